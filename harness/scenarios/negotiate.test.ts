/**
 * The retry around libdatachannel's occasional refusal of a valid answer. The refusal cannot
 * be provoked on demand (it is a race inside libdatachannel), so the attempts here throw the
 * exact error node-datachannel raised when it happened.
 */
import { describe, expect, it } from 'vitest';
import type { ScenarioContext } from '../types.js';
import { ConnectionFailed, NEGOTIATION_ATTEMPTS, connectWithRetry } from './negotiate.js';

const REFUSED = 'libdatachannel error while adding remote description: Got a remote candidate without ICE transport';

function context(notes: string[]): ScenarioContext {
  return { note: (t: string) => void notes.push(t) } as unknown as ScenarioContext;
}

describe('connectWithRetry', () => {
  it('negotiates again after a refused answer and notes each retry', async () => {
    const notes: string[] = [];
    const seen: number[] = [];
    const value = await connectWithRetry(context(notes), async (n) => {
      seen.push(n);
      if (n === 1) throw new Error(REFUSED);
      return `peer ${n}`;
    });
    expect(value).toBe('peer 2');
    expect(seen).toEqual([1, 2]);
    expect(notes).toEqual([`attempt 1: libdatachannel refused Chromium's answer (${REFUSED}); connecting again on a new peer`]);
  });

  it('gives up after the last attempt and passes any other error through at once', async () => {
    const notes: string[] = [];
    let calls = 0;
    await expect(connectWithRetry(context(notes), async () => { calls++; throw new Error(REFUSED); })).rejects.toThrow(REFUSED);
    expect(calls).toBe(NEGOTIATION_ATTEMPTS);
    expect(notes).toHaveLength(NEGOTIATION_ATTEMPTS - 1);
    calls = 0;
    await expect(connectWithRetry(context([]), async () => { calls++; throw new Error('ICE gathering: no answer within 15000 ms'); })).rejects.toThrow('ICE gathering');
    expect(calls).toBe(1);
  });

  it('connects again after a connection that did not come up, within the attempts given, and labels its notes', async () => {
    const notes: string[] = [];
    const seen: number[] = [];
    const value = await connectWithRetry(context(notes), async (n) => {
      seen.push(n);
      if (n < 4) throw new ConnectionFailed(`peer connection failed (${n})`);
      return n;
    }, { attempts: 4, label: 'a' });
    expect(value).toBe(4);
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(notes).toEqual([1, 2, 3].map((n) => `a: attempt ${n}: no connection (peer connection failed (${n})); connecting again on a new peer`));
    await expect(connectWithRetry(context([]), async () => { throw new ConnectionFailed('ICE timeout'); }, { attempts: 1 })).rejects.toBeInstanceOf(ConnectionFailed);
  });
});
