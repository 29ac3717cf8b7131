/**
 * Run as a child process by exit.test.ts: opens a Peer against a loopback receiver, sends
 * media until RTCP flows, closes everything and returns, calling nothing else. The process
 * must then exit by itself; a leaked timer or native handle would keep it alive.
 */
import { cleanup } from 'node-datachannel';
import { Peer } from '../peer.js';
import { loadChromeH264 } from './media.js';
import { NodeReceiver, until } from './receiver.js';

const withCleanup = process.argv.includes('--cleanup');
const media = loadChromeH264();
let peer: Peer;
let receiver: NodeReceiver;
for (let attempt = 1; ; attempt++) {
  peer = new Peer({ bindAddress: '127.0.0.1', srIntervalMs: 50 });
  receiver = new NodeReceiver();
  await receiver.connect(peer);
  const p = peer;
  await until(() => (p.connectionState === 'connected' && p.video !== undefined && p.video.isOpen) || ['failed', 'closed'].includes(p.connectionState), 10_000, 'connected');
  if (!['failed', 'closed'].includes(peer.connectionState) || attempt === 2) break;
  // libdatachannel's occasional DTLS failure (docs/peer.md): close this pair and try again.
  peer.close();
  receiver.close();
}
for (const unit of media.units.slice(0, 5)) peer.video!.sendAccessUnit(unit.nalUnits, Math.round(unit.atMs * 90));
await until(() => receiver.senderReports > 0, 5000, 'a sender report');
peer.close();
receiver.close();
if (withCleanup) cleanup();
setTimeout(() => process.stdout.write(`resources ${JSON.stringify(process.getActiveResourcesInfo())}\n`), 500).unref();
process.stdout.write(`closed ${JSON.stringify({ frames: receiver.frames.length, srs: receiver.senderReports })}\n`);
