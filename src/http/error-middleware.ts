import type { Middleware } from 'koa';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';

const STATUS: Record<string, number> = {
  user_input: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  config: 500,
  platform: 502,
  database: 503,
};

/** First in the chain: maps coded errors to status and a JSON body; stacks never leave the process. */
export function errorMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const e = err as { status?: number; expose?: boolean; message?: string };
      if (err instanceof AppError) {
        ctx.status = STATUS[err.code] ?? 500;
        ctx.body = { error: err.code, message: err.userMessage ?? err.message };
      } else if (typeof e.status === 'number' && e.status < 500) {
        ctx.status = e.status;
        ctx.body = { error: 'bad_request', message: e.expose ? e.message : 'bad request' };
      } else {
        ctx.status = 500;
        ctx.body = { error: 'internal', message: 'internal error' };
      }
      if (ctx.status >= 500) logger.error({ err, path: ctx.path }, 'http: request failed');
    }
  };
}
