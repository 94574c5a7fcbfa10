import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';

/** What an activity CSV is read as. Excel in China saves "CSV" as GBK/GB18030 unless told otherwise. */
export type CsvEncoding = 'utf-8' | 'gb18030';

export const NOT_UTF8 = '文件不是 UTF-8，请另存为 UTF-8 CSV';
const SNIFF_BYTES = 1 << 20;

/**
 * Decides how to read the file from its first megabyte: UTF-8 (with or without BOM) when it is valid UTF-8,
 * GB18030 (a superset of GBK) when it is valid GB18030 instead; anything else (UTF-16 "Unicode text",
 * Latin-1, binary) is refused with NOT_UTF8 rather than read into garbled names.
 */
export async function detectCsvEncoding(file: string): Promise<{ ok: true; encoding: CsvEncoding } | { ok: false; error: string }> {
  const fh = await open(file, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return { ok: false, error: `${NOT_UTF8}（这是 UTF-16 文件）` };
  const whole = head.length < SNIFF_BYTES;
  if (decodes('utf-8', head, whole)) return { ok: true, encoding: 'utf-8' };
  if (decodes('gb18030', head, whole)) return { ok: true, encoding: 'gb18030' };
  return { ok: false, error: NOT_UTF8 };
}

/** Whether `bytes` decode without a single invalid sequence (a cut at the end of a partial read is fine). */
function decodes(encoding: CsvEncoding, bytes: Buffer, whole: boolean): boolean {
  try {
    new TextDecoder(encoding, { fatal: true }).decode(bytes, { stream: !whole });
    return true;
  } catch {
    return false;
  }
}

/**
 * Bytes → what the CSV parser reads, failing on the first invalid sequence (so a file that turns non-UTF-8
 * after the sniffed first megabyte stops the check pass instead of storing U+FFFD in names). GB18030 is
 * decoded to text; UTF-8 passes through as the very same bytes, only checked (the parser decodes UTF-8
 * itself, and decoding to a string here made it encode every chunk back to bytes: two copies per chunk
 * for a million-row import).
 */
export function decodeStream(encoding: CsvEncoding): Transform {
  return encoding === 'utf-8' ? utf8Check() : gb18030Decode();
}

function gb18030Decode(): Transform {
  const decoder = new TextDecoder('gb18030', { fatal: true });
  return new Transform({
    readableObjectMode: false,
    decodeStrings: true,
    transform(chunk: Buffer, _enc, done) {
      try {
        done(null, decoder.decode(chunk, { stream: true }));
      } catch {
        done(new CsvEncodingError(`文件按 GB18030/GBK 读取时遇到无效字节，${NOT_UTF8}`));
      }
    },
    flush(done) {
      try {
        done(null, decoder.decode());
      } catch {
        done(new CsvEncodingError(NOT_UTF8));
      }
    },
  });
}

/** UTF-8 bytes passed on unchanged once valid; a character cut by the chunk boundary is checked with the next chunk. */
function utf8Check(): Transform {
  let carry = Buffer.alloc(0);
  return new Transform({
    decodeStrings: true,
    transform(chunk: Buffer, _enc, done) {
      // The head of this chunk finishes the character the previous one ended in (at most 3 more bytes).
      let start = 0;
      if (carry.length) {
        const need = sequenceLength(carry[0]!) - carry.length;
        const head = Buffer.concat([carry, chunk.subarray(0, need)]);
        if (head.length < sequenceLength(carry[0]!)) {
          carry = head;
          return done(null, chunk);
        }
        if (!isUtf8(head)) return done(new CsvEncodingError(NOT_UTF8));
        start = need;
      }
      const end = completeUpTo(chunk, start);
      carry = Buffer.from(chunk.subarray(end));
      if (!isUtf8(chunk.subarray(start, end))) return done(new CsvEncodingError(NOT_UTF8));
      done(null, chunk);
    },
    flush(done) {
      done(carry.length ? new CsvEncodingError(NOT_UTF8) : null);
    },
  });
}

/** Bytes a UTF-8 sequence starting with `lead` has (1 for a byte that cannot start one: isUtf8 refuses it). */
function sequenceLength(lead: number): number {
  return lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xc2 && lead <= 0xdf ? 2 : 1;
}

/** Where the last complete character of `buf[from..]` ends: an unfinished sequence at the end waits for the next chunk. */
function completeUpTo(buf: Buffer, from: number): number {
  // Look back over at most 3 continuation bytes for the lead byte of the last sequence.
  for (let i = buf.length - 1; i >= Math.max(from, buf.length - 4); i--) {
    const b = buf[i]!;
    if ((b & 0xc0) === 0x80) continue;
    return i + sequenceLength(b) > buf.length ? i : buf.length;
  }
  return buf.length;
}

export class CsvEncodingError extends Error {
  readonly code = 'CSV_ENCODING';
}
