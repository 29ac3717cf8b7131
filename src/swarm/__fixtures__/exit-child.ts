/**
 * disconnect() leaves nothing running: a signaling server and two agents in this process
 * connect, exchange a message and a task, disconnect, and the process must then exit by
 * itself (no process.exit).
 */
import { SignalingServer } from '../../signaling/index.js';
import { SwarmAgent } from '../index.js';

const server = new SignalingServer({ port: 0, logger: () => undefined });
const { url } = await server.listen();
const a = new SwarmAgent({ url, room: 'exit', peerId: 'exit-a', bindAddress: '127.0.0.1' });
const b = new SwarmAgent({ url, room: 'exit', peerId: 'exit-b', bindAddress: '127.0.0.1' });
b.registerTaskExecutor('double', (n) => (n as number) * 2);
await a.initialize();
await b.initialize();
await Promise.all([a.waitForPeers(1), b.waitForPeers(1)]);
const result = await a.delegateTask('exit-b', { type: 'double', input: 21 }, { timeoutMs: 10_000 });
await a.disconnect();
await b.disconnect();
await server.close();
process.stdout.write(`closed ${JSON.stringify({ result })}\n`);
