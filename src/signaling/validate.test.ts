import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { runFuzz } from '../../fuzz/engine.js';
import { MessageValidationError } from './errors.js';
import { messageTarget } from './signaling.fuzz.js';
import { SIGNALING_SCHEMA_PATH, parseClientMessage } from './validate.js';

function refusal(input: string | Uint8Array, isBinary = false, max?: number): { code: string; path: string } {
  try {
    parseClientMessage(input, isBinary, max);
  } catch (error) {
    expect(error).toBeInstanceOf(MessageValidationError);
    const e = error as MessageValidationError;
    return { code: e.code, path: e.path };
  }
  throw new Error('accepted');
}

describe('the message validator', () => {
  it('the published schema compiles in strict mode and describes both directions', () => {
    const schema = JSON.parse(readFileSync(SIGNALING_SCHEMA_PATH, 'utf8'));
    const validate = new Ajv({ strict: true }).compile(schema);
    expect(validate({ type: 'join', room: 'lab' })).toBe(true);
    expect(validate({ type: 'joined', peerId: 'a', room: 'lab', peers: [] })).toBe(true);
    expect(validate({ type: 'error', code: 'peer-id-taken', message: 'x' })).toBe(true);
    expect(validate({ type: 'error', code: 'made-up', message: 'x' })).toBe(false);
  });

  it('each malformed frame maps to its code and the location of the fault', () => {
    expect(refusal('x', true)).toEqual({ code: 'binary-frame', path: '' });
    expect(refusal('{"type":"heartbeat"}', false, 10)).toEqual({ code: 'too-large', path: '' });
    expect(refusal('{"type":')).toEqual({ code: 'bad-json', path: '' });
    expect(refusal('"join"')).toEqual({ code: 'invalid-message', path: '' });
    expect(refusal('{"room":"x"}')).toEqual({ code: 'invalid-message', path: '/type' });
    expect(refusal('{"type":"toString"}')).toEqual({ code: 'unknown-type', path: '/type' });
    expect(refusal('{"type":"join"}')).toEqual({ code: 'invalid-message', path: '/room' });
    expect(refusal('{"type":"join","room":"bad room"}')).toEqual({ code: 'invalid-message', path: '/room' });
    expect(refusal('{"type":"offer","to":"b","sdp":"v=0","from":"x"}')).toEqual({ code: 'invalid-message', path: '/from' });
    expect(refusal('{"type":"ice-candidate","to":"b","candidate":"c"}')).toEqual({ code: 'invalid-message', path: '/mid' });
    expect(refusal('{"type":"announce","metadata":[]}')).toEqual({ code: 'invalid-message', path: '/metadata' });
    expect(refusal('{"type":"join","room":"r","publicKey":"AAAA"}').code).toBe('invalid-message');
  });

  it('accepts every message type a client may send', () => {
    for (const text of [
      '{"type":"join","room":"lab","peerId":"a.b_c:d@e+f-1","metadata":{"x":1},"token":"t"}',
      '{"type":"offer","to":"b","sdp":"v=0"}',
      '{"type":"answer","to":"b","sdp":"v=0"}',
      '{"type":"ice-candidate","to":"b","candidate":"","mid":"0"}',
      '{"type":"announce","metadata":{}}',
      '{"type":"broadcast","payload":[1,"x",null]}',
      '{"type":"heartbeat"}',
    ]) expect(parseClientMessage(text).type).toBe(JSON.parse(text).type);
  });

  it('fuzzes 3,000 mutated frames with only typed validation errors', () => {
    const result = runFuzz(messageTarget, { cases: 3000, seed: 8 });
    expect(result.failures).toEqual([]);
    expect(result.accepted).toBeGreaterThan(100);
    expect(result.rejected).toBeGreaterThan(100);
  });
});
