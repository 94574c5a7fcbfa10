import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../src/domain/api/cursor.js';

describe('read API cursor', () => {
  it('round-trips a key for the listing it came from, as an opaque URL-safe token', () => {
    const key = { updatedAt: 1_795_000_000_123, id: '65f0c0ffee0000000000abcd', objectId: true };
    const c = encodeCursor(key, 'q1');
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(c, 'q1')).toEqual({ ok: true, key });
    const s = { updatedAt: 0, id: 'rep01', objectId: false };
    expect(decodeCursor(encodeCursor(s, 'people'), 'people')).toEqual({ ok: true, key: s });
  });

  it('refuses a cursor of another listing, and anything it did not hand out', () => {
    const c = encodeCursor({ updatedAt: 1, id: 'rep01', objectId: false }, 'activities|all');
    expect(decodeCursor(c, 'activities|team')).toMatchObject({ ok: false, message: expect.stringContaining('another listing') });
    for (const bad of ['', 'abc', 'not base64!', 'x'.repeat(600), Buffer.from('{"v":1,"t":"1","i":"a","o":0,"q":"q"}').toString('base64url')]) {
      expect(decodeCursor(bad, 'q').ok, bad.slice(0, 20)).toBe(false);
    }
    // An "ObjectId" cursor whose id isn't one would make the query throw; refused up front.
    expect(decodeCursor(encodeCursor({ updatedAt: 1, id: 'rep01', objectId: true }, 'q'), 'q').ok).toBe(false);
  });
});
