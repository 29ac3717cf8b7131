/**
 * A swarm agent in its own process, for the tests that kill it: joins the room named on the
 * command line (`<url> <room> <peerId>`), prints `ready` once it is connected to `<expect>`
 * peers, answers `echo` tasks, and runs until it is killed.
 */
import { SwarmAgent } from '../index.js';

const [url, room, peerId, expect] = process.argv.slice(2);
const agent = new SwarmAgent({ url: url!, room: room!, peerId: peerId!, bindAddress: '127.0.0.1', heartbeatMs: 500, pruneAfterMs: 3000 });
agent.registerTaskExecutor('echo', (input) => input);
await agent.initialize();
await agent.waitForPeers(Number(expect ?? 1), 30_000);
process.stdout.write(`ready ${agent.peerId}\n`);
