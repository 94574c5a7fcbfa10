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
 * Bytes → text in `encoding`, failing on the first invalid sequence (so a file that turns non-UTF-8 after the
 * sniffed first megabyte stops the check pass instead of storing U+FFFD in names).
 */
export function decodeStream(encoding: CsvEncoding): Transform {
  const decoder = new TextDecoder(encoding, { fatal: true });
  return new Transform({
    readableObjectMode: false,
    decodeStrings: true,
    transform(chunk: Buffer, _enc, done) {
      try {
        done(null, decoder.decode(chunk, { stream: true }));
      } catch {
        done(new CsvEncodingError(encoding === 'utf-8' ? NOT_UTF8 : `文件按 GB18030/GBK 读取时遇到无效字节，${NOT_UTF8}`));
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

export class CsvEncodingError extends Error {
  readonly code = 'CSV_ENCODING';
}
