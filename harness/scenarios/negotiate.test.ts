/**
 * The retry around libdatachannel's occasional refusal of a valid answer. The refusal cannot
 * be provoked on demand (it is a race inside libdatachannel), so the attempts here throw the
 * exact error node-datachannel raised when it happened.
 */
import { describe, expect, it } from 'vitest';
import type { ScenarioContext } from '../types.js';
import { NEGOTIATION_ATTEMPTS, negotiateWithRetry } from './negotiate.js';

const REFUSED = 'libdatachannel error while adding remote description: Got a remote candidate without ICE transport';

function context(notes: string[]): ScenarioContext {
  return { note: (t: string) => void notes.push(t) } as unknown as ScenarioContext;
}

describe('negotiateWithRetry', () => {
  it('negotiates again after a refused answer and notes each retry', async () => {
    const notes: string[] = [];
    const seen: number[] = [];
    const value = await negotiateWithRetry(context(notes), async (n) => {
      seen.push(n);
      if (n === 1) throw new Error(REFUSED);
      return `peer ${n}`;
    });
    expect(value).toBe('peer 2');
    expect(seen).toEqual([1, 2]);
    expect(notes).toEqual([`attempt 1: libdatachannel refused Chromium's answer (${REFUSED}); negotiating again on a new peer`]);
  });

  it('gives up after the last attempt and passes any other error through at once', async () => {
    const notes: string[] = [];
    let calls = 0;
    await expect(negotiateWithRetry(context(notes), async () => { calls++; throw new Error(REFUSED); })).rejects.toThrow(REFUSED);
    expect(calls).toBe(NEGOTIATION_ATTEMPTS);
    expect(notes).toHaveLength(NEGOTIATION_ATTEMPTS - 1);
    calls = 0;
    await expect(negotiateWithRetry(context([]), async () => { calls++; throw new Error('ICE gathering: no answer within 15000 ms'); })).rejects.toThrow('ICE gathering');
    expect(calls).toBe(1);
  });
});
