import Router from '@koa/router';
import type { Logger } from '../../../logger.js';
import type { ApiKeys } from '../../../services/api/api-keys.js';
import type { ApiRateLimiter } from '../../../services/api/rate-limit.js';
import { ApiRequestError, type ApiReadService } from '../../../services/api/read-service.js';
import { RESOURCES, type ResourceName } from '../../../services/api/schemas.js';

export interface ReadApiDeps {
  keys: ApiKeys;
  limiter: ApiRateLimiter;
  reads: ApiReadService;
  /** The OpenAPI document (built once at start). */
  openApi: Record<string, unknown>;
  logger: Logger;
}

/**
 * GET /api/v1/<resource> for IT, and the OpenAPI document. Order per request: key → rate limit → query →
 * response validated against its schema → audit entry → body. The audit write comes before the body, so
 * no data leaves without its log line (a failed audit write fails the request).
 */
export function readApiRoutes(d: ReadApiDeps): Router {
  const router = new Router();
  router.get('/api/v1/openapi.json', (ctx) => {
    ctx.body = d.openApi;
  });

  for (const name of Object.keys(RESOURCES) as ResourceName[]) {
    router.get(`/api/v1/${name}`, async (ctx) => {
      const fail = (status: number, error: string, message: string) => {
        ctx.status = status;
        ctx.body = { error, message };
      };
      const auth = await d.keys.authenticate(ctx.get('authorization') || undefined);
      if (!auth.ok) {
        ctx.set('WWW-Authenticate', 'Bearer realm="trichain"');
        if (auth.code === 'revoked' && auth.key) {
          await d.keys.recordUse(auth.key, { action: 'api.refused', note: `401 revoked key: GET ${ctx.url}` });
          return fail(401, 'key_revoked', 'this API key was revoked; ask HR for a new one');
        }
        d.logger.warn({ path: ctx.path, code: auth.code, ip: ctx.ip }, 'api: request without a valid key');
        return fail(401, auth.code === 'missing' ? 'missing_key' : 'unknown_key', auth.code === 'missing' ? 'send Authorization: Bearer <API key>' : 'unknown API key');
      }
      const key = auth.key;
      const rate = await d.limiter.hit(key.id);
      ctx.set('X-RateLimit-Limit', String(rate.limit));
      if (!rate.ok) {
        ctx.set('Retry-After', String(rate.retryAfterSec));
        ctx.set('X-RateLimit-Remaining', '0');
        await d.keys.recordUse(key, { action: 'api.refused', note: `429 rate limited: GET ${ctx.url}` });
        return fail(429, 'rate_limited', `more than ${rate.limit} requests this minute for this key; retry in ${rate.retryAfterSec} s`);
      }
      ctx.set('X-RateLimit-Remaining', String(rate.remaining));
      try {
        const page = await d.reads.list(name, key.scope, ctx.query);
        // Validated on the way out: the document promises exactly this shape.
        const body = RESOURCES[name].page.parse(page);
        await d.keys.recordUse(key, { action: 'api.read', note: `200 GET ${ctx.url} (${page.data.length} items)` });
        ctx.body = body;
      } catch (err) {
        if (!(err instanceof ApiRequestError)) throw err;
        await d.keys.recordUse(key, { action: err.status === 403 ? 'access_denied' : 'api.refused', note: `${err.status} ${err.code}: GET ${ctx.url}` });
        fail(err.status, err.code, err.message);
      }
    });
  }
  return router;
}

