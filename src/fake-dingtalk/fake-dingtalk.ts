import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { OrgStore } from './org-store.js';
import { Outbox } from './outbox.js';
import { StreamHub } from './stream-hub.js';
import { registerOpenApiRoutes } from './openapi-routes.js';
import { registerControlRoutes } from './control-routes.js';
import { FieldWorkStore, registerFieldWorkRoutes } from './field-work-routes.js';
import type { FaultRule, RecordedCall } from './types.js';
import { STAND_IN_TLS_CERT, STAND_IN_TLS_KEY } from './tls-cert.js';
import { applyCallbackResponse } from './card-callback-ack.js';

export interface FakeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  rawBody: Buffer;
  /** Parsed JSON body, or undefined. */
  body: unknown;
}

export interface FakeResponse {
  status: number;
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export type RouteHandler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

interface Route {
  api: string;
  auth: 'none' | 'header' | 'query';
  handler: RouteHandler;
}

export interface FakeDingTalkOptions {
  clientId?: string;
  clientSecret?: string;
  robotCode?: string;
  /** Access-token lifetime the fake hands out (seconds). */
  tokenTtlSec?: number;
  /** Unacked callback frames are pushed again after this long (DingTalk: about 60 s). */
  redeliverAfterMs?: number;
  maxRedeliveries?: number;
  /** A connection told to `disconnect` is closed this long afterwards (DingTalk: about 10 s). */
  disconnectCloseAfterMs?: number;
  /**
   * Hand out `wss://` stream endpoints, as DingTalk does (the Java SDK refuses `ws://`): the WebSocket is
   * served over TLS with a self-signed certificate for 127.0.0.1 (STAND_IN_TLS_CERT; clients must trust it).
   */
  wss?: boolean;
  /** Host the fake binds to; always loopback. */
  host?: '127.0.0.1';
}

/**
 * A stand-in for DingTalk on 127.0.0.1 that speaks its public protocol: the stream gateway and
 * WebSocket, the OpenAPI (tokens, robot messages, media, cards, org), with recording and fault injection.
 */
export class FakeDingTalk {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly robotCode: string;
  readonly org = new OrgStore();
  readonly outbox = new Outbox();
  readonly stream: StreamHub;
  readonly calls: RecordedCall[] = [];
  readonly media = new Map<string, { data: Buffer; type: string; filename: string }>();
  /** 签到 and 考勤 records served by topapi/checkin/record/get and attendance/list. */
  readonly fieldWork = new FieldWorkStore();
  readonly tokens = new Map<string, number>();
  readonly sessions = new Map<string, { conversation: string; userIds: string[] }>();
  private readonly routes = new Map<string, Route>();
  private readonly faults: FaultRule[] = [];
  private server: Server | undefined;
  private tlsServer: TlsServer | undefined;
  private seq = 0;
  baseUrl = '';
  /** `wss://127.0.0.1:<port>` when started with `wss: true`. */
  wssBaseUrl = '';

  constructor(readonly opts: FakeDingTalkOptions = {}) {
    this.clientId = opts.clientId ?? 'local-client-id';
    this.clientSecret = opts.clientSecret ?? 'local-client-secret';
    this.robotCode = opts.robotCode ?? this.clientId;
    this.stream = new StreamHub({
      appId: this.clientId,
      redeliverAfterMs: opts.redeliverAfterMs ?? 60_000,
      maxRedeliveries: opts.maxRedeliveries ?? 3,
      disconnectCloseAfterMs: opts.disconnectCloseAfterMs ?? 10_000,
    });
    // DingTalk applies the cardData/privateData a card callback's ack returns to that card.
    this.stream.on('callback-ack', (e: { topic: string; data: unknown; response: unknown }) => applyCallbackResponse(this, e));
    registerOpenApiRoutes(this);
    registerControlRoutes(this);
    registerFieldWorkRoutes(this, this.fieldWork);
  }

  /** Adds an endpoint; later issues plug their APIs (check-ins, attendance) in this way. */
  route(method: string, path: string, api: string, auth: Route['auth'], handler: RouteHandler): void {
    this.routes.set(`${method} ${path}`, { api, auth, handler });
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.dispatch(req, res));
    this.server.on('upgrade', (req, socket, head) => {
      if ((req.url ?? '').startsWith('/connect')) this.stream.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, this.opts.host ?? '127.0.0.1', () => resolve());
    });
    const addr = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${addr.port}`;
    if (this.opts.wss) {
      const tls = createTlsServer({ key: STAND_IN_TLS_KEY, cert: STAND_IN_TLS_CERT }, (_req, res) => {
        res.writeHead(404).end();
      });
      tls.on('upgrade', (req, socket, head) => {
        if ((req.url ?? '').startsWith('/connect')) this.stream.handleUpgrade(req, socket, head);
        else socket.destroy();
      });
      await new Promise<void>((resolve, reject) => {
        tls.once('error', reject);
        tls.listen(0, this.opts.host ?? '127.0.0.1', () => resolve());
      });
      this.tlsServer = tls;
      this.wssBaseUrl = `wss://127.0.0.1:${(tls.address() as AddressInfo).port}`;
    }
    return this;
  }

  /** The stream endpoint the gateway hands out. */
  streamEndpoint(): string {
    return this.opts.wss ? `${this.wssBaseUrl}/connect` : `${this.baseUrl.replace('http', 'ws')}/connect`;
  }

  async stop(): Promise<void> {
    await this.stream.close();
    if (this.tlsServer) {
      this.tlsServer.closeAllConnections();
      await new Promise<void>((r) => this.tlsServer!.close(() => r()));
      this.tlsServer = undefined;
    }
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
    this.server = undefined;
  }

  /** Settings pointing the bot at this fake (same keys as the bot's environment). */
  env(): Record<string, string> {
    return {
      DINGTALK_CLIENT_ID: this.clientId,
      DINGTALK_CLIENT_SECRET: this.clientSecret,
      DINGTALK_ROBOT_CODE: this.robotCode,
      DINGTALK_GATEWAY_URL: `${this.baseUrl}/v1.0/gateway/connections/open`,
      DINGTALK_API_BASE: this.baseUrl,
      DINGTALK_OAPI_BASE: this.baseUrl,
    };
  }

  /** Fails matching calls with `status` (before they take effect) `times` times. */
  injectFault(rule: Omit<FaultRule, 'times'> & { times?: number }): void {
    this.faults.push({ times: 1, ...rule });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  issueToken(): { token: string; ttlSec: number } {
    const ttlSec = this.opts.tokenTtlSec ?? 7200;
    const token = `fake_token_${randomUUID().replaceAll('-', '')}`;
    this.tokens.set(token, Date.now() + ttlSec * 1000);
    return { token, ttlSec };
  }

  tokenValid(token: string | undefined): boolean {
    const exp = token ? this.tokens.get(token) : undefined;
    return exp !== undefined && exp > Date.now();
  }

  /** A sessionWebhook URL for a conversation, as DingTalk puts in every robot message. */
  sessionWebhookFor(conversation: string, userIds: string[]): string {
    const session = randomUUID().replaceAll('-', '');
    this.sessions.set(session, { conversation, userIds });
    return `${this.baseUrl}/robot/sendBySession?session=${session}`;
  }

  callsTo(api: string): RecordedCall[] {
    return this.calls.filter((c) => c.api === api);
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const rawBody = await readAll(req);
    const fr: FakeRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      rawBody,
      body: parseJson(rawBody, req.headers['content-type']),
    };
    const route = this.match(fr.method, fr.path);
    if (!route) return send(res, { status: 404, body: { code: 'NotFound', message: `no fake for ${fr.method} ${fr.path}` } });
    const [api, r] = route;
    const fault = api.startsWith('_fake') ? undefined : this.takeFault(api, fr.path);
    // Recorded before the handler runs, so whoever sees its effect (a delivery) also sees the call.
    const call: RecordedCall | undefined = api.startsWith('_fake')
      ? undefined
      : {
          seq: ++this.seq,
          at: Date.now(),
          method: fr.method,
          path: fr.path,
          api,
          query: redactQuery(fr.query),
          body: fr.body ?? (rawBody.length ? `<${rawBody.length} bytes>` : undefined),
          status: 0,
          injected: fault !== undefined,
        };
    if (call) this.calls.push(call);
    let out: FakeResponse;
    if (fault?.answerAfterMs !== undefined) {
      out = await r.handler(fr);
      if (call) call.status = out.status;
      await new Promise((x) => setTimeout(x, fault.answerAfterMs));
    } else if (fault) {
      if (fault.delayMs) await new Promise((x) => setTimeout(x, fault.delayMs));
      out = {
        status: fault.status,
        body: fault.body ?? { code: fault.status === 429 ? 'Throttling' : 'ServiceUnavailable', message: 'injected fault' },
        ...(fault.retryAfterSec !== undefined ? { headers: { 'retry-after': String(fault.retryAfterSec) } } : {}),
      };
    } else if (r.auth === 'header' && !this.tokenValid(headerOf(req, 'x-acs-dingtalk-access-token'))) {
      out = { status: 401, body: { code: 'InvalidAuthentication', message: '不合法的access_token' } };
    } else if (r.auth === 'query' && !this.tokenValid(fr.query.access_token)) {
      out = { status: 200, body: { errcode: 40014, errmsg: '不合法的access_token' } };
    } else {
      try {
        out = await r.handler(fr);
      } catch (err) {
        out = { status: 500, body: { code: 'InternalError', message: err instanceof Error ? err.message : String(err) } };
      }
    }
    if (call) call.status = out.status;
    send(res, out);
  }

  private match(method: string, path: string): [string, Route] | undefined {
    const exact = this.routes.get(`${method} ${path}`);
    if (exact) return [exact.api, exact];
    for (const [key, r] of this.routes) {
      const [m, p] = key.split(' ') as [string, string];
      if (m === method && p.endsWith('/*') && path.startsWith(p.slice(0, -1))) return [r.api, r];
    }
    return undefined;
  }

  private takeFault(api: string, path: string): FaultRule | undefined {
    const i = this.faults.findIndex((f) => (typeof f.match === 'string' ? f.match === api || f.match === path : f.match.test(path)));
    if (i < 0) return undefined;
    const f = this.faults[i]!;
    if (--f.times <= 0) this.faults.splice(i, 1);
    return f;
  }
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(raw: Buffer, contentType: string | undefined): unknown {
  if (!raw.length || !(contentType ?? '').includes('json')) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

function redactQuery(q: Record<string, string>): Record<string, string> {
  const { access_token: _t, appsecret: _s, ...rest } = q;
  return rest;
}

function send(res: ServerResponse, out: FakeResponse): void {
  const isBuffer = Buffer.isBuffer(out.body);
  const body = isBuffer ? (out.body as Buffer) : typeof out.body === 'string' ? out.body : JSON.stringify(out.body ?? {});
  res.writeHead(out.status, {
    'content-type': out.contentType ?? (isBuffer ? 'application/octet-stream' : 'application/json; charset=utf-8'),
    ...out.headers,
  });
  res.end(body);
}
