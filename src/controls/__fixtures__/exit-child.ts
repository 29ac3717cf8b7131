/**
 * Run as a child process by exit.test.ts: a Streamer with audio and two encodes sends to a
 * loopback receiver, then everything is closed and the script returns without calling
 * anything else. The process must exit by itself: a leaked worker thread, clock timer or
 * native handle would keep it alive.
 */
import { Streamer } from '../index.js';
import { connectedPair, until } from './loopback.js';

const a = await connectedPair();
const b = await connectedPair();
const streamer = new Streamer({ video: { width: 320, height: 180 }, workers: 1 });
streamer.subscribe(a.peer);
streamer.subscribe(b.peer, { video: { width: 160, height: 90 } });
await streamer.start();
await until(() => a.receiver.frames.length >= 5 && b.receiver.frames.length >= 5 && a.receiver.audioPackets.length >= 5, 10_000, 'media');
const encodes = streamer.getStats().encodes;
await streamer.close();
a.close();
b.close();
process.stdout.write(`closed ${JSON.stringify({ encodes })}\n`);
