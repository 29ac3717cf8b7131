import { describe, expect, it } from 'vitest';
import { answerDirection, reverseDirection, type Direction } from './index.js';

const ALL: Direction[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

describe('direction (RFC 3264 section 6.1, RFC 8829 section 5.3.1)', () => {
  // Rows: offered direction; columns: our transceiver direction, in the order of ALL.
  const TABLE: Record<Direction, Direction[]> = {
    sendrecv: ['sendrecv', 'sendonly', 'recvonly', 'inactive'],
    sendonly: ['recvonly', 'inactive', 'recvonly', 'inactive'],
    recvonly: ['sendonly', 'sendonly', 'inactive', 'inactive'],
    inactive: ['inactive', 'inactive', 'inactive', 'inactive'],
  };

  it.each(ALL)('answers an offered %s per the offer/answer table', (offered) => {
    expect(ALL.map((local) => answerDirection(offered, local))).toEqual(TABLE[offered]);
  });

  it('never answers a direction the offer does not allow', () => {
    for (const offered of ALL) {
      for (const local of ALL) {
        const answer = answerDirection(offered, local);
        if (offered === 'sendonly') expect(['recvonly', 'inactive']).toContain(answer);
        if (offered === 'recvonly') expect(['sendonly', 'inactive']).toContain(answer);
        if (offered === 'inactive') expect(answer).toBe('inactive');
      }
    }
  });

  it('reverses sendonly and recvonly and keeps the others', () => {
    expect(ALL.map(reverseDirection)).toEqual(['sendrecv', 'recvonly', 'sendonly', 'inactive']);
  });
});
