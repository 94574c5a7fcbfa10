/**
 * Opaque page cursors for the read API. A cursor is the (updatedAt, _id) of the last item of a page plus a
 * fingerprint of the query it belongs to. Paging is keyset on (updatedAt ascending, _id ascending): a
 * record written while someone pages gets a newer updatedAt, so it lands after everything already handed
 * out — no duplicates, no gaps — and a record changed again reappears later, which is what a sync wants.
 * Pure: no database, clock or crypto here.
 */

export interface CursorKey {
  /** updatedAt of the last item handed out, epoch ms. */
  updatedAt: number;
  /** Its _id as a string. */
  id: string;
  /** Whether that _id is an ObjectId (activities, goals, deals) or a plain string (people, quarters, ledger). */
  objectId: boolean;
}

export type CursorDecode = { ok: true; key: CursorKey } | { ok: false; message: string };

const VERSION = 1;

/** `query` fingerprints resource + filters: a cursor only continues the listing it came from. */
export function encodeCursor(key: CursorKey, query: string): string {
  const body = JSON.stringify({ v: VERSION, t: key.updatedAt, i: key.id, o: key.objectId ? 1 : 0, q: query });
  return Buffer.from(body, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, query: string): CursorDecode {
  if (cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return { ok: false, message: 'cursor is not one this API handed out' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, message: 'cursor is not one this API handed out' };
  }
  const c = parsed as { v?: unknown; t?: unknown; i?: unknown; o?: unknown; q?: unknown };
  if (c.v !== VERSION || typeof c.t !== 'number' || !Number.isFinite(c.t) || typeof c.i !== 'string' || (c.o !== 0 && c.o !== 1) || typeof c.q !== 'string') {
    return { ok: false, message: 'cursor is not one this API handed out' };
  }
  if (c.o === 1 && !/^[0-9a-f]{24}$/.test(c.i)) return { ok: false, message: 'cursor is not one this API handed out' };
  if (c.q !== query) return { ok: false, message: 'cursor belongs to another listing: keep the same path and filters while paging, or start without a cursor' };
  return { ok: true, key: { updatedAt: c.t, id: c.i, objectId: c.o === 1 } };
}
