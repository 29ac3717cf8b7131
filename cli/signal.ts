/**
 * `spell signal`: runs the signaling server (src/signaling) until SIGINT or SIGTERM. Argument
 * parsing and printing only. Prints the URL on standard output; the open-rooms warning (on
 * loopback without credentials) goes to standard error.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { positiveInt, portNumber, collect } from './options.js';

export interface SignalIo {
  out: (text: string) => void;
  err: (text: string) => void;
  setExitCode: (code: number) => void;
}

function roomPair(value: string, previous: [string, string][] = []): [string, string][] {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError('expected <room>=<value>');
  return [...previous, [value.slice(0, at), value.slice(at + 1)]];
}

interface SignalOptions {
  host: string;
  port: number;
  path: string;
  redis?: string;
  roomToken?: [string, string][];
  roomKeys?: [string, string][];
  origin?: string[];
  maxMessageBytes?: number;
  maxMessagesPerSecond?: number;
  maxPeersPerRoom?: number;
  maxRooms?: number;
  maxConnectionsPerAddress?: number;
  pingIntervalMs?: number;
  redisRefreshMs?: number;
  redisTtlMs?: number;
  witness?: string;
  witnessOrigin?: string;
}

export function registerSignal(program: Command, io: SignalIo): void {
  program
    .command('signal')
    .description('run the WebSocket signaling server (rooms, relay, admission, limits; --redis for several processes)')
    .option('--host <host>', 'address to listen on (open rooms only on loopback)', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', portNumber, 8000)
    .option('--path <path>', 'WebSocket path', '/signaling')
    .option('--redis <url>', 'share rooms with other processes through Redis (redis://host:port)')
    .option('--room-token <room=token>', "a room's shared token ('*' for every room not listed); also $SPELL_SIGNAL_TOKEN for '*'", roomPair)
    .option('--room-keys <room=key,...>', "a room's Ed25519 roster (base64 raw 32-byte keys; '*' for every room not listed)", roomPair)
    .option('--origin <origin>', 'allow this browser Origin (repeatable); unset: any', collect)
    .option('--max-message-bytes <n>', 'largest message (65536)', positiveInt)
    .option('--max-messages-per-second <n>', 'per connection (200)', positiveInt)
    .option('--max-peers-per-room <n>', '(256)', positiveInt)
    .option('--max-rooms <n>', '(10000)', positiveInt)
    .option('--max-connections-per-address <n>', '(64)', positiveInt)
    .option('--ping-interval-ms <n>', 'WebSocket ping interval (30000)', positiveInt)
    .option('--redis-refresh-ms <n>', 'peer-id key refresh and process heartbeat interval (5000)', positiveInt)
    .option('--redis-ttl-ms <n>', 'peer-id key TTL; a process silent this long is gone (15000)', positiveInt)
    .option('--witness <file>', 'append every join, leave, offer and answer this process sees to a witness log (spellbook/witness; SDP kept as SHA-256 only)')
    .option('--witness-origin <origin>', "the witness log's checkpoint origin line (default spell-signal/<host>:<port><path>)")
    .action(async (opts: SignalOptions) => {
      const { SignalingServer } = await import('../src/signaling/index.js');
      type Access = { token?: string; keys?: string[] };
      const rooms: Record<string, Access> = {};
      const envToken = process.env.SPELL_SIGNAL_TOKEN;
      if (envToken) rooms['*'] = { token: envToken };
      for (const [room, token] of opts.roomToken ?? []) rooms[room] = { ...rooms[room], token };
      for (const [room, keys] of opts.roomKeys ?? []) rooms[room] = { ...rooms[room], keys: keys.split(',').filter(Boolean) };
      const { '*': fallback, ...listed } = rooms;
      let witness: import('../src/witness/index.js').WitnessLog | undefined;
      let observe: ((o: import('../src/signaling/index.js').SignalingObservation) => void) | undefined;
      if (opts.witness) {
        const { WitnessLog, eventFromSignaling } = await import('../src/witness/index.js');
        try {
          witness = WitnessLog.open(opts.witness, { origin: opts.witnessOrigin ?? `spell-signal/${opts.host}:${opts.port}${opts.path}` });
        } catch (error) {
          io.err(`spell signal: ${(error as Error).message}\n`);
          io.setExitCode(2);
          return;
        }
        const log = witness;
        observe = (o) => void log.record(eventFromSignaling(o));
      }
      const server = new SignalingServer({
        host: opts.host,
        port: opts.port,
        path: opts.path,
        redis: opts.redis,
        origins: opts.origin,
        auth: { rooms: listed, default: fallback ?? 'open' },
        limits: {
          maxMessageBytes: opts.maxMessageBytes,
          maxMessagesPerSecond: opts.maxMessagesPerSecond,
          maxPeersPerRoom: opts.maxPeersPerRoom,
          maxRooms: opts.maxRooms,
          maxConnectionsPerAddress: opts.maxConnectionsPerAddress,
        },
        pingIntervalMs: opts.pingIntervalMs,
        redisOptions: { refreshMs: opts.redisRefreshMs, ttlMs: opts.redisTtlMs },
        logger: (line) => io.err(line + '\n'),
        onObservation: observe,
      });
      let url: string;
      try {
        ({ url } = await server.listen());
      } catch (error) {
        witness?.close();
        io.err(`spell signal: ${(error as Error).message}\n`);
        io.setExitCode(2);
        return;
      }
      if (witness) io.out(`signaling: witness log ${opts.witness} (${witness.size} entries so far)\n`);
      io.out(`signaling: listening on ${url}${opts.redis ? ` (shared through ${opts.redis.replace(/\/\/[^@/]*@/, '//***@')})` : ''}\n`);
      const signal = await new Promise<string>((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      });
      const stats = server.stats();
      await server.close();
      if (witness) {
        io.out(`signaling: witness log ${opts.witness}: ${witness.size} entries, root ${Buffer.from(witness.root()).toString('hex')}\n`);
        witness.close();
      }
      io.out(`signaling: stopped on ${signal} (${stats.joins} joins, ${stats.relayed} relayed, ${stats.connections} connections closed)\n`);
      io.setExitCode(0);
    });
}
