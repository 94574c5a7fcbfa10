import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compareBy, fieldsOf, matches, parseSoql, SoqlError, type FieldType } from './soql.js';
import { SfStore } from './store.js';

/**
 * A stand-in for a Salesforce org on 127.0.0.1, speaking the public REST shapes the bot uses:
 * OAuth 2.0 token endpoint (client credentials and username-password), `/services/data/vXX.X/query` and
 * `/queryAll` with `nextRecordsUrl` paging, Bearer sessions that can expire, and fault injection.
 */

export interface FakeSalesforceOptions {
  clientId?: string;
  clientSecret?: string;
  username?: string;
  /** Password with the security token appended, as the username-password flow expects. */
  password?: string;
  /** Clock for SystemModstamp of inserts and edits (tests move it). */
  now?: () => number;
}

export interface SfRecordedCall {
  seq: number;
  method: string;
  path: string;
  api: 'oauth.token' | 'query' | 'queryMore' | 'other';
  /** The SOQL of a query call. */
  soql?: string;
  status: number;
  injected: boolean;
}

interface SfFault {
  api: SfRecordedCall['api'];
  status: number;
  times: number;
  retryAfterSec?: number;
  body?: unknown;
}

interface Cursor {
  records: Array<Record<string, unknown>>;
  all: boolean;
}

const MIN_BATCH = 200;
const MAX_BATCH = 2000;

export class FakeSalesforce {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly username: string;
  readonly password: string;
  readonly store: SfStore;
  readonly calls: SfRecordedCall[] = [];
  /** Forces a page size (tests); otherwise the Sforce-Query-Options batchSize, clamped to 200–2000. */
  pageSize: number | undefined;
  baseUrl = '';
  private readonly sessions = new Set<string>();
  private readonly cursors = new Map<string, Cursor>();
  private readonly faults: SfFault[] = [];
  private server: Server | undefined;
  private seq = 0;
  private locatorSeq = 0;

  constructor(opts: FakeSalesforceOptions = {}) {
    this.clientId = opts.clientId ?? '3MVG9fake.consumer.key';
    this.clientSecret = opts.clientSecret ?? 'fake-consumer-secret';
    this.username = opts.username ?? 'integration@example.com';
    this.password = opts.password ?? 'passwordSECURITYTOKEN';
    this.store = new SfStore(opts.now);
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.dispatch(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
    this.server = undefined;
  }

  /** Settings pointing the bot at this fake (same keys as the bot's environment). */
  env(grant: 'client_credentials' | 'password' = 'client_credentials'): Record<string, string> {
    return {
      SALESFORCE_MODE: 'salesforce',
      SALESFORCE_LOGIN_URL: this.baseUrl,
      SALESFORCE_GRANT: grant,
      SALESFORCE_CLIENT_ID: this.clientId,
      SALESFORCE_CLIENT_SECRET: this.clientSecret,
      ...(grant === 'password' ? { SALESFORCE_USERNAME: this.username, SALESFORCE_PASSWORD: this.password } : {}),
    };
  }

  /** Fails the next `times` calls of `api` with `status` before they take effect. */
  injectFault(f: Omit<SfFault, 'times'> & { times?: number }): void {
    this.faults.push({ times: 1, ...f });
  }

  /** Server-side session timeout: the next call with an old token gets 401 INVALID_SESSION_ID. */
  expireSessions(): void {
    this.sessions.clear();
  }

  /** Query locators expire after inactivity; the next queryMore gets INVALID_QUERY_LOCATOR. */
  expireLocators(): void {
    this.cursors.clear();
  }

  callsTo(api: SfRecordedCall['api']): SfRecordedCall[] {
    return this.calls.filter((c) => c.api === api);
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body = await readAll(req);
    const api = labelOf(req.method ?? 'GET', url.pathname);
    const call: SfRecordedCall = { seq: ++this.seq, method: req.method ?? 'GET', path: url.pathname, api, status: 0, injected: false };
    if (api === 'query') call.soql = url.searchParams.get('q') ?? '';
    this.calls.push(call);
    const i = this.faults.findIndex((f) => f.api === api);
    let out: { status: number; body: unknown; headers?: Record<string, string> };
    if (i >= 0) {
      const f = this.faults[i]!;
      if (--f.times <= 0) this.faults.splice(i, 1);
      call.injected = true;
      out = {
        status: f.status,
        body: f.body ?? [{ message: f.status === 429 ? 'Too many requests' : 'Service unavailable (injected)', errorCode: f.status === 429 ? 'REQUEST_LIMIT_EXCEEDED' : 'SERVER_UNAVAILABLE' }],
        ...(f.retryAfterSec !== undefined ? { headers: { 'retry-after': String(f.retryAfterSec) } } : {}),
      };
    } else {
      try {
        out = this.handle(req, url, body);
      } catch (err) {
        out = { status: 500, body: [{ message: err instanceof Error ? err.message : String(err), errorCode: 'UNKNOWN_EXCEPTION' }] };
      }
    }
    call.status = out.status;
    res.writeHead(out.status, { 'content-type': 'application/json;charset=UTF-8', ...out.headers });
    res.end(JSON.stringify(out.body));
  }

  private handle(req: IncomingMessage, url: URL, body: string): { status: number; body: unknown } {
    if (req.method === 'POST' && url.pathname === '/services/oauth2/token') return this.token(req, body);
    const m = /^\/services\/data\/v(\d+)\.0\/(query|queryAll)(?:\/([A-Za-z0-9]+)-(\d+))?$/.exec(url.pathname);
    if (req.method !== 'GET' || !m) return { status: 404, body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }] };
    if (Number(m[1]) < 31) return { status: 400, body: [{ errorCode: 'UNSUPPORTED_API_VERSION', message: `API version ${m[1]}.0 is not supported` }] };
    const auth = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    if (!auth || !this.sessions.has(auth)) return { status: 401, body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }] };
    const version = `v${m[1]}.0`;
    if (m[3]) return this.page(version, m[2]!, m[3], Number(m[4]), MAX_BATCH);
    const all = m[2] === 'queryAll';
    const q = url.searchParams.get('q');
    if (!q) return { status: 400, body: [{ errorCode: 'MALFORMED_QUERY', message: 'q is required' }] };
    const batch = Number(/batchSize=(\d+)/.exec(String(req.headers['sforce-query-options'] ?? ''))?.[1] ?? MAX_BATCH);
    try {
      const records = this.run(q, all, version);
      const locator = `01gFK${String(++this.locatorSeq).padStart(10, '0')}`;
      this.cursors.set(locator, { records, all });
      return this.page(version, all ? 'queryAll' : 'query', locator, 0, Math.min(MAX_BATCH, Math.max(MIN_BATCH, batch)));
    } catch (err) {
      if (err instanceof SoqlError) return { status: 400, body: [{ message: err.message, errorCode: err.errorCode }] };
      throw err;
    }
  }

  private token(req: IncomingMessage, body: string): { status: number; body: unknown } {
    if (!String(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
      return { status: 400, body: { error: 'invalid_request', error_description: 'must use application/x-www-form-urlencoded' } };
    }
    const p = new URLSearchParams(body);
    const grant = p.get('grant_type');
    if (grant !== 'client_credentials' && grant !== 'password') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant type not supported' } };
    if (p.get('client_id') !== this.clientId || p.get('client_secret') !== this.clientSecret) return { status: 400, body: { error: 'invalid_client', error_description: 'invalid client credentials' } };
    if (grant === 'password' && (p.get('username') !== this.username || p.get('password') !== this.password)) {
      return { status: 400, body: { error: 'invalid_grant', error_description: 'authentication failure' } };
    }
    const token = `00DFK0000000001!AR${randomBytes(24).toString('base64url')}`;
    this.sessions.add(token);
    return {
      status: 200,
      body: {
        access_token: token,
        instance_url: this.baseUrl,
        id: `${this.baseUrl}/id/00DFK0000000001/005FK0000000001`,
        token_type: 'Bearer',
        issued_at: String(Date.now()),
        signature: randomBytes(32).toString('base64'),
      },
    };
  }

  private run(soql: string, all: boolean, version: string): Array<Record<string, unknown>> {
    const q = parseSoql(soql);
    const o = this.store.objects.get(q.object);
    if (!o) throw new SoqlError(`sObject type '${q.object}' is not supported.`, 'INVALID_TYPE');
    for (const f of fieldsOf(q)) if (!o.fields.has(f)) throw new SoqlError(`No such column '${f}' on entity '${q.object}'.`, 'INVALID_FIELD');
    const typeOf = (f: string): FieldType => o.fields.get(f) ?? 'string';
    let rows = [...o.records.values()].filter((r) => (all || r.IsDeleted !== true) && (!q.where || matches(q.where, r, typeOf)));
    if (q.orderBy.length) rows.sort(compareBy(q.orderBy, typeOf));
    if (q.limit !== undefined) rows = rows.slice(0, q.limit);
    // The cursor is a snapshot: later edits don't change pages already promised.
    return rows.map((r) => ({
      attributes: { type: q.object, url: `/services/data/${version}/sobjects/${q.object}/${String(r.Id)}` },
      ...Object.fromEntries(q.fields.map((f) => [f, structuredClone(r[f] ?? null)])),
    }));
  }

  private page(version: string, kind: string, locator: string, offset: number, batch: number): { status: number; body: unknown } {
    const c = this.cursors.get(locator);
    if (!c) return { status: 400, body: [{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }] };
    const size = this.pageSize ?? batch;
    const records = c.records.slice(offset, offset + size);
    const done = offset + size >= c.records.length;
    if (done) this.cursors.delete(locator);
    return {
      status: 200,
      body: { totalSize: c.records.length, done, ...(done ? {} : { nextRecordsUrl: `/services/data/${version}/${kind}/${locator}-${offset + size}` }), records },
    };
  }
}

function labelOf(method: string, path: string): SfRecordedCall['api'] {
  if (method === 'POST' && path === '/services/oauth2/token') return 'oauth.token';
  if (/\/(query|queryAll)\/[A-Za-z0-9]+-\d+$/.test(path)) return 'queryMore';
  if (/\/(query|queryAll)$/.test(path)) return 'query';
  return 'other';
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
