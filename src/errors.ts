/** Stable error codes; callers branch on `code`, never on message text. */
export type ErrorCode =
  | 'config'
  | 'user_input'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'platform'
  | 'render'
  | 'database'
  | 'internal';

export class AppError extends Error {
  readonly code: ErrorCode;
  /** A message safe to show to the person who caused it (zh-CN). */
  readonly userMessage: string | undefined;

  constructor(code: ErrorCode, message: string, opts: { userMessage?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.userMessage = opts.userMessage;
  }
}

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof Error) return new AppError('internal', err.message, { cause: err });
  return new AppError('internal', String(err));
}

/** MongoDB duplicate-key error, from an insert, an upsert or an update. */
export function isDuplicateKeyError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; message?: unknown; writeErrors?: Array<{ code?: unknown }> };
  if (e.code === 11000 || e.code === 11001) return true;
  if (Array.isArray(e.writeErrors) && e.writeErrors.some((w) => w.code === 11000)) return true;
  return typeof e.message === 'string' && /E11000|duplicate key/i.test(e.message);
}
