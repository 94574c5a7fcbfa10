import type { Logger } from '../../logger.js';
import { backoffDelay, retryAfterMs, sleep } from './backoff.js';

export class HttpError extends Error {
  constructor(
    readonly endpoint: string,
    readonly status: number,
    readonly body: unknown,
    message?: string,
  ) {
    super(message ?? `${endpoint} answered HTTP ${status}`);
    this.name = 'HttpError';
  }
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

export interface HttpClientOptions {
  timeoutMs: number;
  maxRetries: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  logger?: Logger;
  fetch?: typeof fetch;
  /** Called once per attempt, e.g. to count calls by endpoint and status. */
  onAttempt?: (info: { endpoint: string; status: number | 'error'; ms: number }) => void;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  url: string;
  /** A stable label for metrics and logs, e.g. "robot.batchSend" (never the URL: it may hold tokens). */
  endpoint: string;
  headers?: Record<string, string>;
  json?: unknown;
  body?: RequestInit['body'];
  /** Defaults to true. Set false for calls that must not be repeated at all. */
  retry?: boolean;
  /**
   * Awaited before every attempt, retries included (e.g. a rate limiter's acquire), so that retrying
   * after a 429 doesn't push the call rate above the limit that caused it.
   */
  pace?: () => Promise<void>;
}

export interface HttpResponse<T> {
  status: number;
  data: T;
  headers: Headers;
}

/**
 * fetch with a per-attempt timeout, and retries with backoff on 429, 5xx and network errors.
 * Other 4xx fail at once: repeating a bad request cannot fix it.
 */
export class HttpClient {
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly opts: HttpClientOptions) {
    this.baseDelayMs = opts.baseDelayMs ?? 300;
    this.maxDelayMs = opts.maxDelayMs ?? 10_000;
    this.fetchImpl = opts.fetch ?? fetch;
  }

  async request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    const maxRetries = req.retry === false ? 0 : this.opts.maxRetries;
    for (let attempt = 0; ; attempt++) {
      await req.pace?.();
      const started = performance.now();
      let waitMs: number | undefined;
      try {
        const res = await this.fetchImpl(req.url, {
          method: req.method,
          headers: {
            accept: 'application/json',
            ...(req.json !== undefined ? { 'content-type': 'application/json' } : {}),
            ...req.headers,
          },
          body: req.json !== undefined ? JSON.stringify(req.json) : req.body,
          signal: AbortSignal.timeout(this.opts.timeoutMs),
        });
        const data = await readBody(res);
        this.opts.onAttempt?.({ endpoint: req.endpoint, status: res.status, ms: performance.now() - started });
        if (res.ok) return { status: res.status, data: data as T, headers: res.headers };
        const err = new HttpError(req.endpoint, res.status, data);
        if (!err.retryable || attempt >= maxRetries) throw err;
        waitMs = retryAfterMs(res.headers.get('retry-after'));
        this.opts.logger?.warn({ endpoint: req.endpoint, status: res.status, attempt }, 'retrying after HTTP error');
      } catch (err) {
        if (err instanceof HttpError) throw err;
        this.opts.onAttempt?.({ endpoint: req.endpoint, status: 'error', ms: performance.now() - started });
        if (attempt >= maxRetries) {
          throw new HttpError(req.endpoint, 0, undefined, `${req.endpoint} failed: ${describeNetworkError(err)}`);
        }
        this.opts.logger?.warn({ endpoint: req.endpoint, attempt, err: describeNetworkError(err) }, 'retrying after network error');
      }
      const backoff = backoffDelay(attempt, this.baseDelayMs, this.maxDelayMs);
      await sleep(Math.min(this.maxDelayMs, Math.max(backoff, waitMs ?? 0)));
    }
  }
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text.length === 0) return undefined;
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json') || /^[[{]/.test(text.trimStart())) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function describeNetworkError(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return 'timed out';
    const cause = (err as { cause?: { code?: string } }).cause;
    return cause?.code ? `${err.message} (${cause.code})` : err.message;
  }
  return String(err);
}
