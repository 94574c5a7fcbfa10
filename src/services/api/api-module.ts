import type Router from '@koa/router';
import type { AuditRepository } from '../../adapters/mongo/audit-repository.js';
import type { Models } from '../../adapters/mongo/models/index.js';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import { readApiRoutes } from '../../http/routes/api/read-routes.js';
import type { Logger } from '../../logger.js';
import { ApiKeys } from './api-keys.js';
import { buildOpenApi } from './openapi.js';
import { ApiRateLimiter } from './rate-limit.js';
import { ApiReadService } from './read-service.js';

export interface ApiModule {
  keys: ApiKeys;
  router: Router;
  openApi: Record<string, unknown>;
}

/** The read API for IT, wired for app.ts: keys, the shared rate limiter, the read service and its routes. */
export function createApiModule(o: { models: Models; audit: AuditRepository; clock: Clock; config: Config; logger: Logger }): ApiModule {
  const now = () => o.clock.now();
  const keys = new ApiKeys({ models: o.models, audit: o.audit, now });
  const limiter = new ApiRateLimiter({ models: o.models, perMinute: o.config.api.rateLimitPerMinute, now });
  const reads = new ApiReadService(o.models);
  const openApi = buildOpenApi({ ...(o.config.http.publicBaseUrl ? { serverUrl: o.config.http.publicBaseUrl } : {}), rateLimitPerMinute: o.config.api.rateLimitPerMinute });
  const router = readApiRoutes({ keys, limiter, reads, openApi, logger: o.logger.child({ area: 'api' }) });
  return { keys, router, openApi };
}
