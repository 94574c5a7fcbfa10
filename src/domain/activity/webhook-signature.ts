import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signing scheme of POST /api/v1/activities (docs/activities.md):
 *   X-Trichain-Timestamp: <unix seconds>
 *   X-Trichain-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 * Several "v1=" values may be sent comma-separated while the sender rotates secrets; several secrets may be
 * configured while we do. Requests more than 5 minutes away from our clock are refused (replays).
 */
export const SIGNATURE_HEADER = 'x-trichain-signature';
export const TIMESTAMP_HEADER = 'x-trichain-timestamp';
export const MAX_SKEW_SEC = 300;
const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

export function signWebhook(secret: string, timestampSec: number | string, rawBody: string | Buffer): string {
  return `v1=${createHmac('sha256', secret).update(`${timestampSec}.`).update(rawBody).digest('hex')}`;
}

export type SignatureCheck =
  | { ok: true }
  | { ok: false; code: 'missing_signature' | 'bad_timestamp' | 'bad_signature' | 'stale_timestamp'; message: string };

export function verifyWebhook(o: { secrets: readonly string[]; signature?: string; timestamp?: string; rawBody: Buffer; nowSec: number }): SignatureCheck {
  if (!o.signature || !o.timestamp) return { ok: false, code: 'missing_signature', message: `send ${TIMESTAMP_HEADER} and ${SIGNATURE_HEADER} (v1=<hex HMAC-SHA256 of "<timestamp>.<body>">)` };
  if (!/^\d{9,11}$/.test(o.timestamp)) return { ok: false, code: 'bad_timestamp', message: `${TIMESTAMP_HEADER} must be unix seconds, got ${JSON.stringify(o.timestamp.slice(0, 20))}` };
  // Exactly 64 hex digits: Buffer.from(…, 'hex') stops at the first bad character, so "v1=<hex>zz" would
  // otherwise decode to the valid digest. The comparison itself is constant-time over equal lengths.
  const given = o.signature
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('v1='))
    .map((s) => s.slice(3))
    .filter((hex) => HEX_SHA256.test(hex))
    .map((hex) => Buffer.from(hex, 'hex'));
  const valid = o.secrets.some((secret) => {
    const want = Buffer.from(signWebhook(secret, o.timestamp!, o.rawBody).slice(3), 'hex');
    return given.some((g) => g.length === want.length && timingSafeEqual(g, want));
  });
  if (!valid) return { ok: false, code: 'bad_signature', message: 'signature does not match the body and timestamp' };
  // Checked after the signature: only an authentic sender learns that its clock (or its replay) is off.
  const skew = o.nowSec - Number(o.timestamp);
  if (Math.abs(skew) > MAX_SKEW_SEC) {
    return { ok: false, code: 'stale_timestamp', message: skew > 0 ? `timestamp is ${skew} s old; requests older than 5 minutes are refused` : `timestamp is ${-skew} s in the future` };
  }
  return { ok: true };
}
