import { AppError } from '../../errors.js';
import { HttpError, type HttpClient } from '../http/http-client.js';

export interface SalesforceCredentials {
  /** https://login.salesforce.com, https://test.salesforce.com, or the org's My Domain (required for client credentials). */
  loginUrl: string;
  grant: 'client_credentials' | 'password';
  clientId: string;
  clientSecret: string;
  username?: string;
  /** Password followed by the user's security token. */
  password?: string;
}

export interface SalesforceSession {
  accessToken: string;
  instanceUrl: string;
}

/**
 * OAuth 2.0 sessions for the REST API. Salesforce does not say when a session expires (org policy); a 401
 * INVALID_SESSION_ID is the signal, after which the client invalidates and logs in again once.
 */
export class SalesforceAuth {
  private cached: SalesforceSession | undefined;
  private inFlight: Promise<SalesforceSession> | undefined;

  constructor(
    private readonly http: HttpClient,
    private readonly creds: SalesforceCredentials,
  ) {}

  async session(): Promise<SalesforceSession> {
    if (this.cached) return this.cached;
    this.inFlight ??= this.login().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  invalidate(accessToken: string): void {
    if (this.cached?.accessToken === accessToken) this.cached = undefined;
  }

  private async login(): Promise<SalesforceSession> {
    const form = new URLSearchParams({ grant_type: this.creds.grant, client_id: this.creds.clientId, client_secret: this.creds.clientSecret });
    if (this.creds.grant === 'password') {
      form.set('username', this.creds.username ?? '');
      form.set('password', this.creds.password ?? '');
    }
    try {
      const res = await this.http.request<{ access_token?: string; instance_url?: string }>({
        method: 'POST',
        url: `${this.creds.loginUrl}/services/oauth2/token`,
        endpoint: 'salesforce.oauth',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
      if (!res.data?.access_token || !res.data.instance_url) throw new Error('salesforce.oauth: response has no access_token/instance_url');
      this.cached = { accessToken: res.data.access_token, instanceUrl: res.data.instance_url.replace(/\/$/, '') };
      return this.cached;
    } catch (err) {
      if (err instanceof HttpError && err.status >= 400 && err.status < 500) {
        const body = (err.body ?? {}) as { error?: string; error_description?: string };
        // Credentials are configuration: say which variables to check, not just "400".
        throw new AppError('config', `Salesforce login refused: ${body.error ?? err.status} ${body.error_description ?? ''}`.trim(), {
          userMessage: `Salesforce 拒绝登录（${body.error ?? err.status}）：请检查 SALESFORCE_CLIENT_ID / SALESFORCE_CLIENT_SECRET${this.creds.grant === 'password' ? ' / SALESFORCE_USERNAME / SALESFORCE_PASSWORD' : ''} 和 SALESFORCE_LOGIN_URL`,
          cause: err,
        });
      }
      throw err;
    }
  }
}
