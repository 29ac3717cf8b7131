/**
 * Fuzz target of the signaling message validator (engine: fuzz/engine.ts): every inbound
 * frame goes through parseClientMessage before the server acts on it. Only
 * MessageValidationError (with a stable code and a JSON-pointer location) may come out, and
 * whatever is accepted must survive the server's re-serialization and validate again.
 */
import type { FuzzTarget } from '../../fuzz/engine.js';
import { ERROR_CODES } from './constants.js';
import { MessageValidationError } from './errors.js';
import { parseClientMessage } from './validate.js';

const seedMessages: unknown[] = [
  { type: 'join', room: 'lab', peerId: 'alice', metadata: { caps: ['gpu', 'llm'], version: 2 } },
  { type: 'join', room: 'mesh', peerId: 'k1', publicKey: 'O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik=', signature: 'A'.repeat(86) + '==' },
  { type: 'join', room: 'vault', token: 'correct horse battery staple', resume: 'abc_DEF-123' },
  { type: 'offer', to: 'bob', sdp: 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n' },
  { type: 'answer', to: 'alice', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n' },
  { type: 'ice-candidate', to: 'bob', candidate: 'candidate:842163049 1 udp 1677729535 203.0.113.5 54321 typ srflx raddr 0.0.0.0 rport 0', mid: '0' },
  { type: 'ice-candidate', to: 'bob', candidate: '', mid: '' },
  { type: 'announce', metadata: { status: 'idle', load: 0.25, tags: { a: null } } },
  { type: 'broadcast', payload: { kind: 'task', id: 7, nested: [1, [2, [3, { x: 'y' }]]] } },
  { type: 'broadcast', payload: null },
  { type: 'heartbeat' },
];
const seeds = [
  ...seedMessages.map((m) => new TextEncoder().encode(JSON.stringify(m))),
  new TextEncoder().encode('{"type":"offer","to":"bob","from":"mallory","sdp":"v=0"}'),
  new TextEncoder().encode('{"type":"join","room":"a\\u0000b","__proto__":{"x":1}}'),
];

const codes = new Set<string>(ERROR_CODES);

export const messageTarget: FuzzTarget = {
  name: 'signaling.message',
  seeds,
  maxLength: 8192,
  run(input) {
    const msg = parseClientMessage(input, false, 4096);
    // The server relays what it accepted as JSON again: that must validate too.
    const again = parseClientMessage(JSON.stringify(msg), false, Infinity);
    if (again.type !== msg.type) throw new Error(`re-validation changed the type: ${msg.type} -> ${again.type}`);
    return msg.type;
  },
  isExpectedError: (error) => error instanceof MessageValidationError && codes.has(error.code) && typeof error.path === 'string' && (error.path === '' || error.path.startsWith('/')),
};

export const targets: FuzzTarget[] = [messageTarget];
