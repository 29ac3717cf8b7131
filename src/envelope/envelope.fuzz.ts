/**
 * Fuzz targets for the envelope: the strict JSON reader against JSON.parse (same value, same
 * verdict, except that duplicate names are refused) and the whole verifier over mutated signed
 * envelopes. The only exception allowed is EnvelopeError; anything else is a failure, and so
 * is a mutated envelope that verifies with content other than what was signed.
 */
import type { FuzzTarget } from '../../fuzz/engine.js';
import { canonicalize, parseJson } from './canonical.js';
import { EnvelopeComposer, signEnvelope, type IFMessage } from './envelope.js';
import { EnvelopeError } from './errors.js';
import { NodeIdentity } from './identity-node.js';
import { EnvelopeVerifier } from './verifier.js';

const T0 = Date.parse('2026-12-01T12:00:00.000Z');
const alice = NodeIdentity.fromSeed(new Uint8Array(32).fill(0xa1));
const bob = NodeIdentity.fromSeed(new Uint8Array(32).fill(0xb0));
const encoder = new TextEncoder();

function signedSeeds(): IFMessage[] {
  const composer = new EnvelopeComposer(alice, { clock: () => T0 });
  const contents: Record<string, unknown>[] = [
    { text: 'hello' },
    { task: { id: 7, steps: ['fetch', 'parse'], weights: [0.5, 1e-7, -3] }, ok: true, none: null },
    { unicode: '€😀\u0001"\\', nested: { a: { b: { c: [1, [2, [3]]] } } } },
    {},
  ];
  return contents.map((content, i) => {
    const unsigned = composer.compose({
      performative: (['request', 'inform', 'query-if', 'share'] as const)[i],
      receiver: i % 2 ? 'if://agent/*' : bob.agentId,
      conversation_id: `if://conversation/fuzz-${i}`,
      content,
      scope: { mission_id: 'm', workflow: 'w', domain: 'd' },
      ...(i % 2 ? { trace_id: `t-${i}` } : {}),
    });
    return signEnvelope({ ...unsigned, nonce: (i + 1).toString(16).padStart(24, '0') }, alice);
  });
}

const signed = signedSeeds();
const seeds = signed.map((m, i) => encoder.encode(i % 2 ? JSON.stringify(m, null, 2) : JSON.stringify(m)));
const signedCanonical = new Set(signed.map((m) => canonicalize(m)));
const isEnvelopeError = (error: unknown) => error instanceof EnvelopeError;
const decoder = new TextDecoder();

class FuzzMismatch extends Error {}

export const targets: FuzzTarget[] = [
  {
    name: 'envelope.parse-json',
    seeds,
    run: (input) => {
      const text = decoder.decode(input);
      let ours: unknown;
      let oursError: EnvelopeError | undefined;
      try {
        ours = parseJson(text);
      } catch (error) {
        if (!(error instanceof EnvelopeError)) throw error;
        oursError = error;
      }
      let theirs: unknown;
      let theirsFailed = false;
      try {
        theirs = JSON.parse(text);
      } catch {
        theirsFailed = true;
      }
      if (oursError) {
        if (!theirsFailed && oursError.code === 'bad-json' && !/deeper/.test(oursError.message)) throw new FuzzMismatch(`JSON.parse accepted what parseJson refused: ${oursError.message}`);
        throw oursError;
      }
      if (theirsFailed) throw new FuzzMismatch('parseJson accepted what JSON.parse refused');
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) throw new FuzzMismatch('parseJson and JSON.parse gave different values');
      return ours;
    },
    isExpectedError: isEnvelopeError,
  },
  {
    name: 'envelope.verify',
    seeds,
    run: (input) => {
      // A fresh verifier per case, so every seed verifies and every mutation is judged alone.
      const verifier = new EnvelopeVerifier({ keys: (id) => (id === alice.agentId ? alice.publicKey : undefined), clock: () => T0 });
      const { envelope } = verifier.verify(input);
      if (!signedCanonical.has(canonicalize(envelope))) throw new FuzzMismatch('a mutated envelope verified with content nobody signed');
      return envelope;
    },
    isExpectedError: isEnvelopeError,
  },
];
