/**
 * A swarm agent in its own process for the `swarm` scenario (the one the scenario kills):
 * `node swarm-agent.js <url> <room> <peerId> <peers>`. Prints `ready` once connected to
 * `<peers>` others, `hello <from>` for each `hello` message, runs `sum` tasks, never votes.
 */
import { SwarmAgent } from '../../src/swarm/index.js';

const [url, room, peerId, peers, heartbeatMs, pruneAfterMs] = process.argv.slice(2);
const agent = new SwarmAgent({ url: url!, room: room!, peerId: peerId!, bindAddress: '127.0.0.1', heartbeatMs: Number(heartbeatMs), pruneAfterMs: Number(pruneAfterMs), reconnect: { initialDelayMs: 100, maxDelayMs: 1000 } });
agent.on('error', () => undefined);
agent.registerTaskExecutor('sum', (input) => (input as number[]).reduce((a, b) => a + b, 0));
agent.registerMessageHandler('hello', (_payload, from) => void process.stdout.write(`hello ${from}\n`));
await agent.initialize();
await agent.waitForPeers(Number(peers), 60_000);
process.stdout.write(`ready ${agent.peerId}\n`);
