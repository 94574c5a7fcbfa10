import Koa from 'koa';
import type Router from '@koa/router';
import type { Logger } from '../logger.js';
import { errorMiddleware } from './error-middleware.js';

/** The Koa app, without listen(), so tests can drive app.callback() directly. */
export function createHttpApp(deps: { logger: Logger; routers: Router[] }): Koa {
  const app = new Koa();
  app.proxy = true;
  app.use(errorMiddleware(deps.logger));
  for (const r of deps.routers) app.use(r.routes()).use(r.allowedMethods());
  return app;
}
