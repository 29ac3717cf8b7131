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
const peer = new Peer({ bindAddress: '127.0.0.1', srIntervalMs: 50 });
const receiver = new NodeReceiver();
await receiver.connect(peer);
await until(() => peer.connectionState === 'connected' && peer.video !== undefined && peer.video.isOpen, 5000, 'connected');
for (const unit of media.units.slice(0, 5)) peer.video!.sendAccessUnit(unit.nalUnits, Math.round(unit.atMs * 90));
await until(() => receiver.senderReports > 0, 5000, 'a sender report');
peer.close();
receiver.close();
if (withCleanup) cleanup();
setTimeout(() => process.stdout.write(`resources ${JSON.stringify(process.getActiveResourcesInfo())}\n`), 500).unref();
process.stdout.write(`closed ${JSON.stringify({ frames: receiver.frames.length, srs: receiver.senderReports })}\n`);
