import { describe, expect, it } from 'vitest';
import { parseJson } from './canonical.js';
import { toHex } from './codec.js';
import { EnvelopeComposer, signEnvelope, signingBytes, type EnvelopeDraft, type IFMessage, type UnsignedIFMessage } from './envelope.js';
import { EnvelopeError } from './errors.js';
import { NodeIdentity } from './identity-node.js';
import { EnvelopeVerifier, type EnvelopeVerifierOptions } from './verifier.js';

const T0 = Date.parse('2026-12-01T12:00:00.000Z');
const alice = NodeIdentity.fromSeed(new Uint8Array(32).fill(1));
const bob = NodeIdentity.fromSeed(new Uint8Array(32).fill(2));
const mallory = NodeIdentity.fromSeed(new Uint8Array(32).fill(3));

const draft = (content: Record<string, unknown> = { task: { id: 7, steps: ['a', 'b'] } }): EnvelopeDraft => ({
  performative: 'request',
  receiver: bob.agentId,
  conversation_id: 'if://conversation/c-1',
  content,
  scope: { mission_id: 'm1', workflow: 'w1', domain: 'lab' },
  trace_id: 'trace-1',
});

function setup(options: Partial<EnvelopeVerifierOptions> = {}) {
  let now = T0;
  const composer = new EnvelopeComposer(alice, { clock: () => now });
  const roster = new Map([alice, bob].map((id) => [id.agentId, id.publicKey]));
  const verifier = new EnvelopeVerifier({ keys: (id) => roster.get(id), self: bob.agentId, clock: () => now, ...options });
  return { composer, verifier, roster, setNow: (t: number) => { now = t; } };
}

function rejection(verifier: EnvelopeVerifier, input: string | object): EnvelopeError {
  const result = verifier.check(input);
  if (result.ok) throw new Error('expected a rejection');
  return result.error;
}

/** Re-sign a modified unsigned envelope with `signer` (keeps every field as given). */
function resign(unsigned: UnsignedIFMessage, signer: NodeIdentity): IFMessage {
  return signEnvelope(unsigned, signer);
}

describe('EnvelopeVerifier', () => {
  it('accepts an envelope signed by the pinned key and counts it', () => {
    const { composer, verifier } = setup();
    const message = composer.seal(draft());
    expect(message.sender).toBe(alice.agentId);
    expect(message.signature.signed_fields).toEqual(['content', 'conversation_id', 'nonce', 'performative', 'receiver', 'scope', 'sender', 'sequence_num', 'timestamp', 'trace_id', 'ttl']);
    expect(message.nonce).toMatch(/^[0-9a-f]{24}$/);
    const verified = verifier.verify(JSON.stringify(message));
    expect(verified.envelope.content).toEqual({ task: { id: 7, steps: ['a', 'b'] } });
    expect(verifier.stats().accepted).toBe(1);
    expect(verifier.stats().rejected).toBe(0);
  });

  it('the signature covers nested content: changing a nested field is caught as bad-signature', () => {
    const { composer, verifier } = setup();
    const message = composer.seal(draft());
    // A signer that sorted keys with a JSON.stringify replacer array would have signed `{}` for `content`.
    const tampered = structuredClone(message);
    (tampered.content.task as { steps: string[] }).steps[1] = 'rm -rf';
    expect(rejection(verifier, tampered).code).toBe('bad-signature');
    const scoped = structuredClone(message);
    scoped.scope.domain = 'prod';
    expect(rejection(verifier, scoped).code).toBe('bad-signature');
    expect(verifier.stats().byReason['bad-signature']).toBe(2);
    expect(verifier.verify(message).envelope.sequence_num).toBe(1);
  });

  it('rejects an unsigned envelope', () => {
    const { composer, verifier } = setup();
    const unsigned = composer.compose(draft());
    expect(rejection(verifier, unsigned).code).toBe('unsigned');
    expect(rejection(verifier, JSON.stringify(unsigned)).code).toBe('unsigned');
    expect(verifier.stats().byReason.unsigned).toBe(2);
  });

  it('verifies with the pinned key, never the carried one: a message signed and carrying another key is refused', () => {
    const { composer, verifier } = setup();
    // Mallory claims to be Alice, signs with her own key and carries her own key.
    const forged = resign(composer.compose(draft()), mallory);
    const claimed = { ...forged, sender: alice.agentId };
    claimed.signature = { ...claimed.signature, signature_bytes: `ed25519:${toHex(mallory.sign(signingBytes(claimed)))}` };
    expect(rejection(verifier, claimed).code).toBe('key-mismatch');
    // Carrying Alice's public key while signing with Mallory's: the pinned key does not verify it.
    const carried = { ...claimed, signature: { ...claimed.signature, public_key: alice.publicKeyText } };
    expect(rejection(verifier, carried).code).toBe('bad-signature');
    // A sender nobody pinned.
    const stranger = new EnvelopeComposer(mallory, { clock: () => T0 }).seal(draft());
    expect(rejection(verifier, stranger).code).toBe('unknown-sender');
    // A roster entry whose key does not derive the id it is listed under.
    const { verifier: confused, composer: c2 } = setup({ keys: () => bob.publicKey });
    const fromAlice = c2.seal(draft());
    expect(rejection(confused, fromAlice).code).toBe('key-mismatch');
    // The pinned key's text with padding bits set: not canonical base64, not the pinned key, no crash.
    const good = c2.seal(draft());
    const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const text = alice.publicKeyText;
    const odd = text.slice(0, -2) + b64[b64.indexOf(text[text.length - 2]) ^ 1] + '=';
    const { verifier: v3 } = setup();
    expect(odd).not.toBe(text);
    expect(rejection(v3, { ...good, signature: { ...good.signature, public_key: odd } }).code).toBe('key-mismatch');
    expect(rejection(new EnvelopeVerifier({ keys: () => new Uint8Array(31) }), good).code).toBe('unknown-sender');
    const stats = verifier.stats().byReason;
    expect([stats['key-mismatch'], stats['bad-signature'], stats['unknown-sender']]).toEqual([1, 1, 1]);
  });

  it('refuses a sender id not derived from the pinned key', () => {
    const { composer } = setup();
    const verifier = new EnvelopeVerifier({ keys: () => alice.publicKey, clock: () => T0 });
    const unsigned = { ...composer.compose(draft()), sender: bob.agentId };
    const bytes = signingBytes(unsigned);
    const message: IFMessage = {
      ...unsigned,
      signature: { algorithm: 'ed25519', public_key: alice.publicKeyText, signature_bytes: `ed25519:${toHex(alice.sign(bytes))}`, signed_fields: Object.keys(unsigned).sort() },
    };
    expect(rejection(verifier, message).code).toBe('sender-mismatch');
  });

  it('rejects expired and future envelopes, allowing the clock skew', () => {
    const { composer, verifier, setNow } = setup({ maxClockSkewMs: 5_000 });
    const message = composer.seal({ ...draft(), ttl: 10 });
    setNow(T0 + 10_000 + 5_001);
    expect(rejection(verifier, message).code).toBe('expired');
    setNow(T0 + 15_000);
    expect(verifier.verify(message).envelope.ttl).toBe(10);
    const sender = new EnvelopeComposer(alice, { clock: () => T0, firstSequence: 10 });
    setNow(T0 - 5_001);
    expect(rejection(verifier, sender.seal(draft())).code).toBe('from-future');
    setNow(T0 - 4_999);
    expect(verifier.check(sender.seal(draft())).ok).toBe(true);
    expect(verifier.stats().byReason.expired).toBe(1);
    expect(verifier.stats().byReason['from-future']).toBe(1);
  });

  it('rejects replays by sequence window and by nonce, accepting reordering inside the window', () => {
    const { composer, verifier } = setup({ replayWindow: 4 });
    const m = Array.from({ length: 8 }, () => composer.seal(draft()));
    expect(verifier.check(m[1]).ok).toBe(true);
    expect(verifier.check(m[0]).ok).toBe(true); // late but inside the window
    expect(rejection(verifier, m[1]).code).toBe('replayed-sequence');
    expect(verifier.check(m[7]).ok).toBe(true);
    expect(rejection(verifier, m[2]).code).toBe('stale-sequence'); // 3 is 4 behind 8
    expect(verifier.check(m[4]).ok).toBe(true);
    expect(rejection(verifier, m[4]).code).toBe('replayed-sequence');
    // Same nonce under a new sequence number (a sender bug or a spliced replay).
    const reuse = resign({ ...composer.compose(draft()), nonce: m[7].nonce }, alice);
    expect(rejection(verifier, reuse).code).toBe('replayed-nonce');
    expect(verifier.stats()).toMatchObject({ accepted: 4, rejected: 4 });
  });

  it('bounds the nonce cache and the sender table', () => {
    const { composer, verifier } = setup({ nonceCacheSize: 16 });
    for (let i = 0; i < 100; i++) verifier.verify(composer.seal(draft()));
    expect(verifier.stats().nonces).toBe(16);
    expect(verifier.stats().senders).toBe(1);
  });

  it('rejects schema-invalid, oversize, duplicate-key and non-canonical envelopes with their codes', () => {
    const { composer, verifier } = setup({ maxBytes: 2048 });
    const good = composer.seal(draft());
    const badPerformative = { ...good, performative: 'shout' };
    expect(rejection(verifier, badPerformative)).toMatchObject({ code: 'schema-invalid', path: '/performative' });
    expect(rejection(verifier, { ...good, ttl: 3601 }).code).toBe('schema-invalid');
    expect(rejection(verifier, { ...good, nonce: 'abc' }).code).toBe('schema-invalid');
    expect(rejection(verifier, { ...good, extra: 1 })).toMatchObject({ code: 'schema-invalid', path: '/extra' });
    expect(rejection(verifier, '[]').code).toBe('schema-invalid');
    expect(rejection(verifier, JSON.stringify({ ...good, content: { blob: 'x'.repeat(3000) } })).code).toBe('too-large');
    expect(rejection(verifier, new Uint8Array([0xff, 0xfe])).code).toBe('bad-json');
    const text = JSON.stringify(good);
    const dup = text.replace('"performative":"request"', '"performative":"inform","performative":"request"');
    expect(rejection(verifier, dup).code).toBe('duplicate-key');
    // 2^53 + 1 in the raw text: JSON.parse would round it silently.
    const big = text.replace('"id":7', '"id":9007199254740993');
    expect(rejection(verifier, big)).toMatchObject({ code: 'not-canonicalizable', path: '/content/task/id' });
    const lone = text.replace('"a"', '"\\ud800"');
    expect(rejection(verifier, lone).code).toBe('not-canonicalizable');
    const byReason = verifier.stats().byReason;
    expect(byReason['schema-invalid']).toBe(5);
    expect(byReason['not-canonicalizable']).toBe(2);
    expect(verifier.check(text).ok).toBe(true);
  });

  it('refuses a signed_fields list the message chose for itself', () => {
    const { composer, verifier } = setup();
    const good = composer.seal(draft());
    const fewer = { ...good, signature: { ...good.signature, signed_fields: good.signature.signed_fields.filter((f) => f !== 'content') } };
    expect(rejection(verifier, fewer)).toMatchObject({ code: 'signed-fields', path: '/signature/signed_fields' });
    const shuffled = { ...good, signature: { ...good.signature, signed_fields: [...good.signature.signed_fields].reverse() } };
    expect(rejection(verifier, shuffled).code).toBe('signed-fields');
  });

  it('refuses envelopes addressed to another agent', () => {
    const { composer, verifier } = setup();
    expect(rejection(verifier, composer.seal({ ...draft(), receiver: alice.agentId })).code).toBe('wrong-receiver');
    expect(verifier.check(composer.seal({ ...draft(), receiver: 'if://agent/*' })).ok).toBe(true);
  });

  it('counts every rejection by reason, and only then', () => {
    const { composer, verifier } = setup();
    const good = composer.seal(draft());
    const inputs: (string | object)[] = ['{', { ...good, nonce: 1 }, composer.compose(draft()), { ...good, content: { x: 1 } }, good, good];
    for (const input of inputs) verifier.check(input);
    const s = verifier.stats();
    expect(s.accepted).toBe(1);
    expect(s.rejected).toBe(5);
    expect(Object.values(s.byReason).reduce((a, b) => a + b, 0)).toBe(5);
    expect(s.byReason).toMatchObject({ 'bad-json': 1, 'schema-invalid': 1, unsigned: 1, 'bad-signature': 1, 'replayed-sequence': 1 });
    expect(parseJson(JSON.stringify(good))).toEqual(good);
  });
});
