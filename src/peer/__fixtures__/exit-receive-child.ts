/**
 * Run as a child process by exit.test.ts: two Peers on loopback, the offerer sending Opus on a
 * send-and-receive track (its receiver attached to its sender), the answerer receiving it on a
 * receive-only track (its receiver owning the track, with its RR timer and, after a packet
 * dropped on purpose, its reorder timer). Closes both and returns, calling nothing else: the
 * process must then exit by itself.
 */
import { Peer } from '../peer.js';
import { until } from './receiver.js';

let a: Peer;
let b: Peer;
for (let attempt = 1; ; attempt++) {
  const offerer = new Peer({ bindAddress: '127.0.0.1', video: false, receiveAudio: true, srIntervalMs: 50 });
  const answerer = new Peer({ bindAddress: '127.0.0.1', video: false, audio: false, receiveAudio: true, srIntervalMs: 50 });
  [a, b] = [offerer, answerer];
  offerer.on('candidate', ({ candidate, mid }) => !answerer.closed && answerer.addRemoteCandidate(candidate, mid));
  answerer.on('candidate', ({ candidate, mid }) => !offerer.closed && offerer.addRemoteCandidate(candidate, mid));
  const offer = await offerer.createOffer();
  await offerer.acceptAnswer((await answerer.acceptOffer(offer.sdp)).sdp);
  await until(() => (offerer.connectionState === 'connected' && !!offerer.audio?.isOpen) || ['failed', 'closed'].includes(offerer.connectionState), 10_000, 'connected');
  if (!['failed', 'closed'].includes(offerer.connectionState) || attempt === 2) break;
  // libdatachannel's occasional DTLS failure (docs/peer.md): close this pair and try again.
  offerer.close();
  answerer.close();
}
let packets = 0;
b.on('audioPacket', () => packets++);
for (let i = 0; i < 20; i++) {
  if (i === 15) a.audio!.dropNextPackets(1);
  a.audio!.sendOpus(Uint8Array.of(0xf8, i, 1, 2, 3), i * 960);
  await new Promise((r) => setTimeout(r, 20));
}
await until(() => packets === 19 && b.getStats().receivers[0]!.receiverReportsSent > 0, 5000, '19 packets and an RR');
a.close();
b.close();
setTimeout(() => process.stdout.write(`resources ${JSON.stringify(process.getActiveResourcesInfo())}\n`), 500).unref();
process.stdout.write(`closed ${JSON.stringify({ packets, lost: b.getStats().receivers[0]!.lost })}\n`);
