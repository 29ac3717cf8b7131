/**
 * A swarm agent in its own process for the `swarm` scenario (the one the scenario kills).
 * Run as a script: `node swarm-agent.js <url> <room> <peerId> <peers> <heartbeatMs> <pruneAfterMs>`.
 * Prints `ready <peerId>` once connected to `<peers>` others and `hello <from>` for each
 * `hello` message; runs `sum` tasks; never votes. Importing this module starts nothing (the
 * scenario imports it so the build emits it next to the scenario).
 */
import { fileURLToPath } from 'node:url';
import { SwarmAgent } from '../../src/swarm/index.js';

/** The line the child prints once it is connected to every other member. */
export const READY_LINE = 'ready';

export async function runChildAgent(argv: readonly string[]): Promise<void> {
  const [url, room, peerId, peers, heartbeatMs, pruneAfterMs] = argv;
  const agent = new SwarmAgent({ url: url!, room: room!, peerId: peerId!, bindAddress: '127.0.0.1', heartbeatMs: Number(heartbeatMs), pruneAfterMs: Number(pruneAfterMs), reconnect: { initialDelayMs: 100, maxDelayMs: 1000 } });
  agent.on('error', () => undefined);
  agent.registerTaskExecutor('sum', (input) => (input as number[]).reduce((a, b) => a + b, 0));
  agent.registerMessageHandler('hello', (_payload, from) => void process.stdout.write(`hello ${from}\n`));
  await agent.initialize();
  await agent.waitForPeers(Number(peers), 60_000);
  process.stdout.write(`${READY_LINE} ${agent.peerId}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runChildAgent(process.argv.slice(2));
