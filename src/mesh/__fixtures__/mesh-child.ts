/**
 * A mesh agent in its own process, for the tests that kill it with SIGKILL:
 * `<url> <room> <seed hex> <roster keys, base64, comma-separated> <state journal> <app log> <kill: 0|1> <parent agent id>`.
 * Every delivered message is appended to the app log (one synchronous write: the
 * application's durable record). With kill = 1, the first delivery queues a SIGKILL of this
 * process as a microtask: it runs once the handler returned and the mesh wrote its journal
 * line, at the first await of the acknowledgement, so the process dies after recording the
 * message and before acknowledging it. Once bound to the parent it sends it one acknowledged
 * message and prints `ready <sequence_num>`.
 */
import { appendFileSync } from 'node:fs';
import { NodeIdentity } from '../../envelope/index.js';
import { MeshAgent } from '../index.js';

const [url, room, seedHex, keys, state, appLog, kill, parent] = process.argv.slice(2);
const identity = NodeIdentity.fromSeed(Uint8Array.from(Buffer.from(seedHex!, 'hex')));
const agent = new MeshAgent({ url: url!, room: room!, identity, roster: keys!.split(','), bindAddress: '127.0.0.1', heartbeatMs: 500, state: state! });
agent.swarm.on('error', () => undefined);
agent.onIFMessage((m) => {
  appendFileSync(appLog!, `${m.sender} ${m.sequence_num} ${m.nonce}\n`);
  if (kill === '1') queueMicrotask(() => process.kill(process.pid, 'SIGKILL'));
});
await agent.initialize();
await agent.waitForBoundPeers(1, 60_000);
const hello = await agent.sendAcknowledged({ performative: 'inform', receiver: parent!, content: { hello: process.pid } });
await hello.acknowledged;
process.stdout.write(`ready ${hello.envelope.sequence_num}\n`);
