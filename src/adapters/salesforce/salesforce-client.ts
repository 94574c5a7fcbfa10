import type { SfRecord } from '../../domain/crm/salesforce-records.js';
import { HttpError, type HttpClient } from '../http/http-client.js';
import type { SalesforceAuth } from './salesforce-auth.js';

/** A Salesforce REST error answered as `[{errorCode, message}]`. */
export class SalesforceApiError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
    readonly status: number,
  ) {
    super(`Salesforce ${errorCode}: ${message}`);
    this.name = 'SalesforceApiError';
  }
}

export interface QueryPage<T> {
  records: T[];
  totalSize: number;
}

/** The REST query API: `query`/`queryAll` with `nextRecordsUrl` paging. Every call goes through HttpClient (timeouts, 429/5xx retries). */
export class SalesforceClient {
  constructor(
    private readonly http: HttpClient,
    private readonly auth: SalesforceAuth,
    private readonly opts: { apiVersion: string; batchSize: number },
  ) {}

  /** Pages of a SOQL query; `all` includes deleted records (IsDeleted = true) so deletions reach us too. */
  async *query<T extends SfRecord = SfRecord>(soql: string, opts: { all?: boolean } = {}): AsyncGenerator<QueryPage<T>> {
    let path: string | undefined = `/services/data/v${this.opts.apiVersion}/${opts.all ? 'queryAll' : 'query'}?q=${encodeURIComponent(soql)}`;
    let endpoint = 'salesforce.query';
    while (path) {
      const page: { records?: T[]; totalSize?: number; done?: boolean; nextRecordsUrl?: string } = await this.get(path, endpoint);
      yield { records: page.records ?? [], totalSize: page.totalSize ?? 0 };
      path = page.done === false ? page.nextRecordsUrl : undefined;
      endpoint = 'salesforce.queryMore';
    }
  }

  private async get<R>(path: string, endpoint: string): Promise<R> {
    for (let authRetry = 0; ; authRetry++) {
      const s = await this.auth.session();
      try {
        const res = await this.http.request<R>({
          method: 'GET',
          url: `${s.instanceUrl}${path}`,
          endpoint,
          headers: { authorization: `Bearer ${s.accessToken}`, 'sforce-query-options': `batchSize=${this.opts.batchSize}` },
        });
        return res.data;
      } catch (err) {
        if (!(err instanceof HttpError)) throw err;
        const first = Array.isArray(err.body) ? (err.body[0] as { errorCode?: string; message?: string } | undefined) : undefined;
        if (err.status === 401 && authRetry === 0) {
          this.auth.invalidate(s.accessToken);
          continue;
        }
        if (first?.errorCode) throw new SalesforceApiError(first.errorCode, first.message ?? '', err.status);
        throw err;
      }
    }
  }
}
