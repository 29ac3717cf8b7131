import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvelopeComposer } from './envelope.js';
import { EnvelopeError, SdpBindingError } from './errors.js';
import { NodeIdentity } from './identity-node.js';
import { fingerprintsOf, sdpBindingOf, signSessionDescription, verifySessionDescription, type SignedSessionDescription } from './sdp-binding.js';
import { EnvelopeVerifier } from './verifier.js';
import { parse } from '../sdp/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const offerSdp = readFileSync(join(ROOT, 'fixtures/sdp/firefox-offer.sdp'), 'utf8');
const answerSdp = readFileSync(join(ROOT, 'fixtures/sdp/firefox-answer.sdp'), 'utf8');
const alice = NodeIdentity.fromSeed(new Uint8Array(32).fill(11));
const bob = NodeIdentity.fromSeed(new Uint8Array(32).fill(12));
const server = NodeIdentity.fromSeed(new Uint8Array(32).fill(13));
const draft = { receiver: bob.agentId, conversation_id: 'if://conversation/call-1', scope: { mission_id: 'm', workflow: 'call', domain: 'lab' } };

function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

/** A signaling server in the middle: swaps every a=fingerprint for its own certificate's. */
function mitm(signed: SignedSessionDescription): SignedSessionDescription {
  const own = `sha-256 ${Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0').toUpperCase()).join(':')}`;
  return { ...signed, sdp: signed.sdp.replace(/^a=fingerprint:.*$/gm, `a=fingerprint:${own}`) };
}

describe('signed offers and answers', () => {
  it('binds every DTLS fingerprint of the description and its SHA-256', () => {
    const binding = sdpBindingOf({ type: 'offer', sdp: offerSdp });
    expect(binding.fingerprints).toEqual(fingerprintsOf(parse(offerSdp)));
    expect(binding.fingerprints.length).toBeGreaterThan(0);
    expect(binding.fingerprints[0]).toMatch(/^sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(binding.sdp_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(caught(() => sdpBindingOf({ type: 'offer', sdp: offerSdp.replace(/^a=fingerprint:.*\r?\n/gm, '') }))).toMatchObject({ code: 'no-fingerprint' });
  });

  it('a signaling server that rewrites the fingerprint (man in the middle) is caught', () => {
    const signed = signSessionDescription(new EnvelopeComposer(alice), { type: 'offer', sdp: offerSdp }, draft);
    const verifier = new EnvelopeVerifier({ keys: (id) => (id === alice.agentId ? alice.publicKey : undefined), self: bob.agentId });
    const error = caught(() => verifySessionDescription(verifier, mitm(signed)));
    expect(error).toBeInstanceOf(SdpBindingError);
    expect((error as SdpBindingError).code).toBe('fingerprint-mismatch');
    // The untouched offer verifies (a fresh verifier: the binding envelope was already seen).
    const fresh = new EnvelopeVerifier({ keys: (id) => (id === alice.agentId ? alice.publicKey : undefined), self: bob.agentId });
    expect(verifySessionDescription(fresh, signed).binding.fingerprints).toEqual(fingerprintsOf(parse(offerSdp)));
  });

  it('a server that also re-signs the binding with its own key is refused by the pinned key', () => {
    const signed = signSessionDescription(new EnvelopeComposer(alice), { type: 'offer', sdp: offerSdp }, draft);
    const forged = mitm(signed);
    const resigned = signSessionDescription(new EnvelopeComposer(server), forged, draft);
    const verifier = new EnvelopeVerifier({ keys: (id) => (id === alice.agentId ? alice.publicKey : undefined) });
    // Claimed as Alice's: the carried key is not the pinned one.
    const claimed = { ...resigned, binding: { ...resigned.binding, sender: alice.agentId } };
    expect((caught(() => verifySessionDescription(verifier, claimed)) as EnvelopeError).code).toBe('key-mismatch');
    expect((caught(() => verifySessionDescription(verifier, resigned)) as EnvelopeError).code).toBe('unknown-sender');
  });

  it('other changes to a signed description, its type, or a binding replay are refused', () => {
    const composer = new EnvelopeComposer(bob);
    const signed = signSessionDescription(composer, { type: 'answer', sdp: answerSdp }, { ...draft, receiver: alice.agentId });
    const verifier = new EnvelopeVerifier({ keys: (id) => (id === bob.agentId ? bob.publicKey : undefined) });
    expect((caught(() => verifySessionDescription(verifier, { ...signed, sdp: signed.sdp.replace('a=setup:active', 'a=setup:passive') })) as SdpBindingError).code).toBe('sdp-mismatch');
    const v2 = new EnvelopeVerifier({ keys: (id) => (id === bob.agentId ? bob.publicKey : undefined) });
    expect((caught(() => verifySessionDescription(v2, { ...signed, type: 'offer' })) as SdpBindingError).code).toBe('type-mismatch');
    const v3 = new EnvelopeVerifier({ keys: (id) => (id === bob.agentId ? bob.publicKey : undefined) });
    verifySessionDescription(v3, signed);
    expect((caught(() => verifySessionDescription(v3, signed)) as EnvelopeError).code).toBe('replayed-sequence');
    const plain = composer.seal({ ...draft, performative: 'inform', content: { hello: 1 } });
    const v4 = new EnvelopeVerifier({ keys: (id) => (id === bob.agentId ? bob.publicKey : undefined) });
    expect((caught(() => verifySessionDescription(v4, { type: 'answer', sdp: answerSdp, binding: plain })) as SdpBindingError).code).toBe('not-a-binding');
  });
});
