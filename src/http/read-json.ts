import type { Context } from 'koa';

/**
 * Reads a small JSON request body. Requires a JSON content type: a cross-site page can only send
 * form-encoded or text bodies without a CORS preflight, so this also keeps other sites out of the
 * local-only endpoints.
 */
export async function readJsonBody(ctx: Context, limit = 1_000_000): Promise<Record<string, unknown>> {
  if (!ctx.is('application/json')) throw Object.assign(new Error('send a JSON body (content-type: application/json)'), { status: 415, expose: true });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of ctx.req) {
    size += (c as Buffer).length;
    if (size > limit) throw Object.assign(new Error('body too large'), { status: 413, expose: true });
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    throw Object.assign(new Error('body is not valid JSON'), { status: 400, expose: true });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw Object.assign(new Error('body must be a JSON object'), { status: 400, expose: true });
  return parsed as Record<string, unknown>;
}
