import Router from '@koa/router';
import type { Registry } from 'prom-client';

export interface ReadinessProbe {
  /** Each dependency's state; ready only when all are true. */
  check(): Promise<Record<string, boolean>>;
  /** What a false check is waiting for, in words (e.g. the stream's last connect error and next try). */
  explain?(checks: Record<string, boolean>): Record<string, string>;
}

/** `/healthz` (process alive), `/readyz` (database reachable and stream connected), `/metrics` (Prometheus). */
export function healthRoutes(deps: { readiness: ReadinessProbe; registry: Registry }): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const checks = await deps.readiness.check();
    const ready = Object.values(checks).every(Boolean);
    ctx.status = ready ? 200 : 503;
    ctx.body = ready
      ? { status: 'ready', checks }
      : { status: 'not_ready', checks, waitingFor: deps.readiness.explain?.(checks) ?? {} };
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = deps.registry.contentType;
    ctx.body = await deps.registry.metrics();
  });
  return router;
}
