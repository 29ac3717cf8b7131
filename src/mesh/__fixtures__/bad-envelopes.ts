/**
 * Bad messages for the mesh tests and the `mesh` conformance scenario, each with the reason a
 * receiver must refuse it for. All but the last three are signed envelopes made with real
 * keys: `sender` is the agent whose channel they are sent on, `other` an agent on the
 * receiver's roster but not that channel's, `outsider` a key on no roster.
 */
import { EnvelopeComposer, signEnvelope, type IFMessage, type NodeIdentity } from '../../envelope/index.js';

export interface BadEnvelopeKeys {
  sender: NodeIdentity;
  other: NodeIdentity;
  outsider: NodeIdentity;
  receiver: string;
  /** A valid envelope the receiver already accepted (replayed as is). */
  accepted: IFMessage;
}

/** `[reason, envelope text]`: what a raw sender puts on the channel and the code it must be refused with. */
export function badEnvelopes(k: BadEnvelopeKeys, firstSequence = 1_000_000): Array<[string, string]> {
  const side = new EnvelopeComposer(k.sender, { firstSequence });
  const draft = { performative: 'inform' as const, receiver: k.receiver, conversation_id: 'if://conversation/bad', scope: { mission_id: 'm', workflow: 'w', domain: 'd' } };
  const tampered = side.seal({ ...draft, content: { amount: 1 } });
  const forged = signEnvelope(side.compose({ ...draft, content: { forged: true } }), k.outsider);
  const wrongKey = signEnvelope(side.compose({ ...draft, content: { k: 1 } }), k.outsider);
  const { signature: _s, ...unsigned } = side.seal({ ...draft, content: {} });
  const text = (v: unknown) => JSON.stringify(v);
  return [
    ['bad-signature', text({ ...tampered, content: { amount: 1000 } })],
    ['bad-signature', text({ ...forged, sender: k.sender.agentId, signature: { ...forged.signature, public_key: k.sender.publicKeyText } })],
    ['key-mismatch', text({ ...wrongKey, sender: k.sender.agentId })],
    ['replayed-sequence', text(k.accepted)],
    ['expired', text(new EnvelopeComposer(k.sender, { firstSequence: firstSequence + 500_000, clock: () => Date.now() - 3_600_000 }).seal({ ...draft, content: {}, ttl: 60 }))],
    ['unsigned', text(unsigned)],
    ['schema-invalid', text({ ...side.seal({ ...draft, content: {} }), performative: 'shout' })],
    ['wrong-channel', text(new EnvelopeComposer(k.other).seal({ ...draft, content: {} }))],
    ['bad-json', '{"sender": '],
    ['duplicate-key', '{"sender":"x","sender":"y"}'],
  ];
}
