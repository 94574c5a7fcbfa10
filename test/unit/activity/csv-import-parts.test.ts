import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { decodeStream, NOT_UTF8 } from '../../../src/services/activity/csv-encoding.js';
import { SeenIds, settleSuspects } from '../../../src/services/activity/seen-ids.js';

/** The bytes `chunks` come out as through the UTF-8 check, or its error message. */
async function throughCheck(chunks: Buffer[]): Promise<Buffer | string> {
  try {
    return await buffer(Readable.from(chunks, { objectMode: false }).pipe(decodeStream('utf-8')));
  } catch (e) {
    return (e as Error).message;
  }
}

describe('UTF-8 check of the import (bytes pass through unchanged)', () => {
  // 1-, 2-, 3- and 4-byte characters (a, é, 华, 𠀀) and a BOM.
  const text = Buffer.from('\uFEFFid,name\na1,é华𠀀x\na2,腾讯𠀀\n');

  it('passes valid UTF-8 through byte for byte however the chunks cut the characters', async () => {
    for (let cut = 1; cut < text.length; cut++) {
      expect(await throughCheck([text.subarray(0, cut), text.subarray(cut)])).toEqual(text);
    }
    // One byte at a time: every character is finished by later chunks.
    expect(await throughCheck([...text].map((b) => Buffer.from([b])))).toEqual(text);
  });

  it('refuses an invalid sequence wherever it falls: inside a chunk, across a cut, or cut off at the end', async () => {
    const gbk = Buffer.concat([Buffer.from('a1,'), Buffer.from('bbaa', 'hex'), Buffer.from('\n')]);
    for (let cut = 1; cut < gbk.length; cut++) expect(await throughCheck([gbk.subarray(0, cut), gbk.subarray(cut)])).toBe(NOT_UTF8);
    // A lead byte whose continuation never comes (the file ends) or is followed by ASCII in the next chunk.
    expect(await throughCheck([Buffer.from('a,'), Buffer.from('e5', 'hex')])).toBe(NOT_UTF8);
    expect(await throughCheck([Buffer.from('a,'), Buffer.from('e5', 'hex'), Buffer.from('ab')])).toBe(NOT_UTF8);
    // An encoded surrogate and an overlong "/" are not UTF-8 either.
    expect(await throughCheck([Buffer.from('eda080', 'hex')])).toBe(NOT_UTF8);
    expect(await throughCheck([Buffer.from('c0af', 'hex')])).toBe(NOT_UTF8);
  });
});

describe('SeenIds (duplicate check of the import)', () => {
  it('answers the first line of an id seen before, across growth of its table', () => {
    const seen = new SeenIds(4);
    for (let i = 0; i < 50_000; i++) expect(seen.firstLineOf(`csv:r${i}`, i + 2)).toBeUndefined();
    expect(seen.size).toBe(50_000);
    for (let i = 0; i < 50_000; i += 997) expect(seen.firstLineOf(`csv:r${i}`, 99_999)).toBe(i + 2);
    expect(seen.firstLineOf('csv:华为', 7)).toBeUndefined();
    expect(seen.firstLineOf('csv:华为', 8)).toBe(7);
    expect(seen.size).toBe(50_001);
  });

  it('tells a real repeat from an id that only shares a hash, exactly', () => {
    // Line 2 holds x; line 5's y hashed like x (a collision); line 7 repeats x; line 9 repeats y.
    const settled = settleSuspects(
      [
        { index: 3, line: 5, id: 'csv:y', firstLine: 2 },
        { index: 5, line: 7, id: 'csv:x', firstLine: 2 },
        { index: 7, line: 9, id: 'csv:y', firstLine: 2 },
      ],
      new Map([[2, 'csv:x']]),
    );
    expect(settled.map((s) => [s.line, s.firstLine])).toEqual([
      [5, undefined],
      [7, 2],
      [9, 5],
    ]);
  });
});
