import Router, { type RouterContext } from '@koa/router';
import type { ActivityMetrics } from '../../services/activity/activity-metrics.js';
import type { ActivityIngest } from '../../services/activity/ingest.js';
import { itemToInput, validateItem } from '../../domain/activity/activity-item.js';
import type { ActivityInput } from '../../domain/activity/types.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhook } from '../../domain/activity/webhook-signature.js';
import type { Logger } from '../../logger.js';
import { webhookResultSchema } from '../../services/api/schemas.js';

export const MAX_ITEMS = 1000;
const MAX_DETAILS = 100;

export interface WebhookDeps {
  secrets: readonly string[];
  maxBytes: number;
  ingest: Pick<ActivityIngest, 'ingest'>;
  now: () => Date;
  metrics: ActivityMetrics;
  logger: Logger;
}

/**
 * POST /api/v1/activities — a signed JSON array of activities from systems without a connector.
 * All or nothing: any invalid item refuses the whole batch with a 4xx naming each problem; a valid batch
 * is stored idempotently on (system, id), so a retry after a timeout stores nothing twice.
 */
export function activityWebhookRoutes(d: WebhookDeps): Router {
  const router = new Router();
  router.post('/api/v1/activities', async (ctx) => {
    const fail = (status: number, error: string, message: string, extra: Record<string, unknown> = {}) => {
      d.metrics.webhookRejected.inc({ reason: error });
      ctx.status = status;
      ctx.body = { error, message, ...extra };
    };
    if (d.secrets.length === 0) return fail(503, 'webhook_disabled', 'the activity webhook is not configured (ACTIVITY_WEBHOOK_SECRETS)');
    if (!ctx.is('application/json')) return fail(415, 'unsupported_media_type', 'send Content-Type: application/json');
    const declared = Number(ctx.get('content-length') || 0);
    if (declared > d.maxBytes) return fail(413, 'body_too_large', `body is ${declared} bytes; the limit is ${d.maxBytes}`);
    const raw = await readLimited(ctx, d.maxBytes);
    if (raw === undefined) return fail(413, 'body_too_large', `body exceeds the limit of ${d.maxBytes} bytes`);

    const sig = verifyWebhook({ secrets: d.secrets, signature: ctx.get(SIGNATURE_HEADER) || undefined, timestamp: ctx.get(TIMESTAMP_HEADER) || undefined, rawBody: raw, nowSec: Math.floor(d.now().getTime() / 1000) });
    if (!sig.ok) return fail(401, sig.code, sig.message);

    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      return fail(400, 'malformed_json', `body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!Array.isArray(body)) return fail(422, 'not_an_array', 'body must be a JSON array of activities');
    if (body.length === 0) return fail(422, 'empty_batch', 'the array is empty');
    if (body.length > MAX_ITEMS) return fail(413, 'too_many_items', `at most ${MAX_ITEMS} activities per request, got ${body.length}`);

    const inputs: ActivityInput[] = [];
    const details: Array<{ index: number; path: string; message: string }> = [];
    // The signed request time orders versions of records sent without updatedAt: a replayed older request
    // (still inside the 5-minute window) can never overwrite what a later one stored.
    const signedAt = new Date(Number(ctx.get(TIMESTAMP_HEADER)) * 1000);
    const firstIndex = new Map<string, number>();
    body.forEach((item, index) => {
      const v = validateItem(item);
      if (!v.ok) {
        for (const i of v.issues) details.push({ index, path: i.path, message: i.message });
        return;
      }
      const input = itemToInput(v.item, 'webhook', item, signedAt);
      const first = firstIndex.get(input.sourceId);
      if (first !== undefined) details.push({ index, path: 'id', message: `记录 ${input.sourceId} 与第 ${first} 项重复（同一批里一条记录只能出现一次）` });
      else firstIndex.set(input.sourceId, index);
      inputs.push(input);
    });
    if (details.length) {
      const bad = new Set(details.map((x) => x.index)).size;
      return fail(422, 'validation_failed', `${bad} of ${body.length} activities are invalid; nothing was stored`, { details: details.slice(0, MAX_DETAILS) });
    }
    const r = await d.ingest.ingest(inputs, { reconcile: 'inline' });
    ctx.status = 200;
    // Parsed through the schema the OpenAPI document shows for this answer (services/api/openapi.ts).
    ctx.body = webhookResultSchema.parse({
      received: inputs.length,
      created: r.created,
      updated: r.updated,
      // An older version than the one stored (a replay, or a late retry) changes nothing: it is unchanged,
      // and `stale` says how many of those were older.
      unchanged: r.unchanged + r.stale,
      stale: r.stale,
      parked: r.parked,
      // Stored for HR to map (chat: 未匹配), not lost; the sender need not resend them.
      unmatched: r.unmatched.map((u) => ({ index: u.index, person: u.person.kind === 'email' ? { email: u.person.email } : u.person.kind === 'userId' ? { userId: u.person.userId } : u.person })),
    });
  });
  return router;
}

/** The raw body (needed for the HMAC), or undefined once it passes `max` bytes (then the socket is closed). */
async function readLimited(ctx: RouterContext, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of ctx.req) {
    size += (c as Buffer).length;
    if (size > max) {
      ctx.set('connection', 'close');
      return undefined;
    }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}
