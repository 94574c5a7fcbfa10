import type { HttpClient } from '../http/http-client.js';

/**
 * Caches the app access token and refreshes it a margin before expiry.
 * Concurrent callers share one in-flight fetch: the token API is rate-limited.
 */
export class TokenProvider {
  private cached: { token: string; expiresAt: number } | undefined;
  private inFlight: Promise<string> | undefined;

  constructor(
    private readonly http: HttpClient,
    private readonly opts: {
      apiBase: string;
      clientId: string;
      clientSecret: string;
      marginMs?: number;
      now?: () => number;
    },
  ) {}

  async get(): Promise<string> {
    const now = (this.opts.now ?? Date.now)();
    if (this.cached && now < this.cached.expiresAt - (this.opts.marginMs ?? 5 * 60_000)) return this.cached.token;
    this.inFlight ??= this.fetchToken().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Drops a token the server refused, so the next get() fetches a fresh one. */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const res = await this.http.request<{ accessToken?: string; expireIn?: number }>({
      method: 'POST',
      url: `${this.opts.apiBase}/v1.0/oauth2/accessToken`,
      endpoint: 'oauth2.accessToken',
      json: { appKey: this.opts.clientId, appSecret: this.opts.clientSecret },
    });
    const { accessToken, expireIn } = res.data ?? {};
    if (!accessToken || !expireIn) throw new Error('oauth2.accessToken: response has no accessToken/expireIn');
    this.cached = { token: accessToken, expiresAt: (this.opts.now ?? Date.now)() + expireIn * 1000 };
    return accessToken;
  }
}
