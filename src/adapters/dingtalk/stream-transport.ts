import { DWClient, TOPIC_CARD, TOPIC_ROBOT, EventAck, type DWClientDownStream } from 'dingtalk-stream';
import type WebSocket from 'ws';
import type { InboundEvent } from '../../bot/inbound.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../metrics.js';
import { backoffDelay } from '../http/backoff.js';
import { mapCardCallback, mapRobotMessage } from './map-frame.js';

export interface StreamTransportOptions {
  clientId: string;
  clientSecret: string;
  /** Gateway "connections/open" URL; the SDK hard-codes DingTalk's, we make it a setting. */
  gatewayUrl: string;
  keepAlive: boolean;
  httpTimeoutMs: number;
  logger: Logger;
  metrics: Metrics;
  /** Called after the frame is acked; never awaited by the socket loop. */
  onEvent: (event: InboundEvent) => void;
  /** Extra CA (PEM) to trust for the wss:// endpoint, e.g. the local stand-in's self-signed certificate. */
  tlsCa?: string;
  /** Reconnect backoff bounds (ms). */
  minReconnectMs?: number;
  maxReconnectMs?: number;
}

// The SDK keeps these fields TS-private; we need them to fix its reconnect and heartbeat handling.
interface DWClientInternals {
  socket?: WebSocket;
  dw_url?: string;
  heartbeatIntervallId?: ReturnType<typeof setInterval>;
  userDisconnect: boolean;
}

/**
 * The official dingtalk-stream client, with the pieces 2.1.5 gets wrong replaced:
 * configurable gateway with a timeout, one supervised reconnect loop with backoff and jitter
 * (instead of its reconnect storm), and no crash on an unparsable frame.
 */
class SupervisedDWClient extends DWClient {
  constructor(
    private readonly opts: StreamTransportOptions,
    private readonly handlers: {
      onFrame: (frame: DWClientDownStream, receivedAt: number, socket: WebSocket) => void;
      onDisconnectFrame: (socket: WebSocket, reason: string) => void;
    },
  ) {
    super({ clientId: opts.clientId, clientSecret: opts.clientSecret, keepAlive: opts.keepAlive, ua: 'trichain/0.1' });
    // Our supervisor owns reconnects; the SDK's own loop multiplies on handshake errors (SDK PR #17).
    Object.assign(this.config, { autoReconnect: false });
    if (opts.tlsCa) Object.assign(this, { sslopts: { rejectUnauthorized: true, ca: opts.tlsCa } });
  }

  get internals(): DWClientInternals {
    return this as unknown as DWClientInternals;
  }

  override async getEndpoint(): Promise<this> {
    const res = await fetch(this.opts.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        clientId: this.config.clientId,
        clientSecret: this.config.clientSecret,
        ua: this.config.ua,
        subscriptions: this.config.subscriptions,
      }),
      signal: AbortSignal.timeout(this.opts.httpTimeoutMs),
    });
    if (!res.ok) throw new Error(`gateway connections/open answered HTTP ${res.status}`);
    const body = (await res.json()) as { endpoint?: string; ticket?: string };
    if (!body.endpoint || !body.ticket) throw new Error('gateway response has no endpoint/ticket');
    this.internals.dw_url = `${body.endpoint}?ticket=${encodeURIComponent(body.ticket)}`;
    return this;
  }

  /**
   * Every frame of `socket` comes here (the SDK's own parser throws on bad JSON, on a frame without
   * headers and on a `disconnect` without messageId, which DingTalk's protocol document sends). Nothing
   * thrown here may reach the socket's event loop: a bad frame is logged, acked if it names a messageId,
   * and the connection carries on.
   */
  handleRaw(raw: string, socket: WebSocket): void {
    const receivedAt = performance.now();
    try {
      const parsed = parseFrame(raw);
      if (typeof parsed === 'string') {
        const messageId = messageIdIn(raw);
        this.opts.logger.warn({ reason: parsed, messageId, frame: raw.slice(0, 200) }, 'stream: dropped an unusable frame');
        this.opts.metrics.framesAcked.inc({ topic: 'unusable' });
        // 200, not 400: the frame will never parse, and a redelivery would only repeat this.
        if (messageId) ack(socket, messageId, { status: 'SUCCESS', message: `dropped: ${parsed}` });
        return;
      }
      const frame = parsed;
      const { topic, messageId } = frame.headers;
      if (frame.type === 'CALLBACK') {
        this.handlers.onFrame(frame, receivedAt, socket);
      } else if (frame.type === 'EVENT') {
        // No event is used yet; ack SUCCESS so DingTalk does not redeliver (LATER would ask for that).
        if (messageId) ack(socket, messageId, { status: 'SUCCESS', message: 'OK' });
        this.opts.metrics.framesAcked.inc({ topic: 'event' });
      } else if (frame.type === 'SYSTEM') {
        if (topic === 'ping') {
          if (messageId) ack(socket, messageId, safeJson(frame.data) ?? {});
        } else if (topic === 'disconnect') {
          // DingTalk's document sends it without messageId and wants no reply; some gateways retry an
          // unacked one, so ack when there is an id. Then move to a fresh connection at once.
          if (messageId) ack(socket, messageId, { status: 'SUCCESS' });
          this.handlers.onDisconnectFrame(socket, str(safeJson(frame.data), 'reason'));
        } else {
          // CONNECTED / REGISTERED / KEEPALIVE: only flags in the SDK.
          super.onSystem(frame);
        }
      } else {
        this.opts.logger.warn({ type: frame.type, topic, messageId }, 'stream: frame of unknown type');
        if (messageId) ack(socket, messageId, null, 404, 'topic not handled');
      }
    } catch (err) {
      this.opts.logger.error({ err: errMessage(err), frame: raw.slice(0, 200) }, 'stream: frame handling failed');
    }
  }

  override onDownStream(data: string): void {
    // Only reached if a socket's listener was not swapped (see StreamTransport.connectOnce).
    if (this.internals.socket) this.handleRaw(String(data), this.internals.socket);
  }

  clearHeartbeat(): void {
    const id = this.internals.heartbeatIntervallId;
    if (id !== undefined) clearInterval(id);
    this.internals.heartbeatIntervallId = undefined;
  }
}

/** Receives robot messages and card callbacks over DingTalk Stream mode, acks them at once, hands them on. */
export class StreamTransport {
  private readonly client: SupervisedDWClient;
  private readonly log: Logger;
  private current: WebSocket | undefined;
  private connected = false;
  private stopping = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;
  private connectedSince = 0;
  private lastError: string | undefined;
  /** Ends a connect loop's backoff wait early (stop()). */
  private wakeRetry: (() => void) | undefined;
  private nextRetryAt: number | undefined;

  constructor(private readonly opts: StreamTransportOptions) {
    this.log = opts.logger.child({ component: 'stream' });
    this.client = new SupervisedDWClient(opts, {
      onFrame: (frame, receivedAt, socket) => this.onCallbackFrame(frame, receivedAt, socket),
      onDisconnectFrame: (socket, reason) => {
        // Only the current connection matters; a late disconnect on a replaced socket needs nothing.
        if (socket === this.current) this.reconnectNow(`server asked to disconnect${reason ? ` (${reason})` : ''}`);
      },
    });
    this.client.registerCallbackListener(TOPIC_ROBOT, () => undefined);
    this.client.registerCallbackListener(TOPIC_CARD, () => undefined);
    // EVENT frames (org/attendance changes) are acked by the SDK synchronously; none are used yet.
    this.client.registerAllEventListener(() => ({ status: EventAck.SUCCESS }));
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** For /readyz: why there is no connection (last error, attempts, next try), or undefined when connected. */
  notReadyReason(): string | undefined {
    if (this.connected) return undefined;
    if (this.stopping) return 'stream stopped';
    const parts = [this.attempt === 0 ? 'connecting to the DingTalk stream gateway' : `no connection to the DingTalk stream gateway after ${this.attempt} attempt(s)`];
    if (this.lastError) parts.push(`last error: ${this.lastError}`);
    if (this.nextRetryAt) parts.push(`next try in ${Math.max(0, Math.round((this.nextRetryAt - Date.now()) / 1000))} s`);
    return parts.join('; ');
  }

  /**
   * Connects; resolves on the first successful connection, retrying with backoff until then (forever:
   * the service is already serving HTTP and says on /readyz that the stream is not there yet).
   * Rejects only if stop() comes first.
   */
  async start(): Promise<void> {
    this.stopping = false;
    await this.connectLoop();
    if (!this.connected) throw new Error('stream stopped before it connected');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.reconnectTimer);
    this.wakeRetry?.();
    this.client.clearHeartbeat();
    this.client.internals.userDisconnect = true;
    const socket = this.current;
    this.current = undefined;
    this.setConnected(false);
    if (socket && socket.readyState <= 1) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          socket.terminate();
          resolve();
        }, 2000);
        socket.once('close', () => {
          clearTimeout(t);
          resolve();
        });
        socket.close(1000, 'shutdown');
      });
    }
  }

  private async connectLoop(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.connectOnce();
        return;
      } catch (err) {
        if (this.stopping) return;
        const delay = this.nextDelay();
        this.lastError = errMessage(err);
        this.nextRetryAt = Date.now() + delay;
        this.log.warn({ err: this.lastError, retryInMs: delay }, 'stream: connect failed');
        await new Promise<void>((r) => {
          this.wakeRetry = r;
          this.reconnectTimer = setTimeout(r, delay);
        });
        this.wakeRetry = undefined;
        this.nextRetryAt = undefined;
      }
    }
  }

  private connectOnce(): Promise<void> {
    this.connecting ??= (async () => {
      this.opts.metrics.streamReconnects.inc();
      await this.client.getEndpoint();
      const previous = this.current;
      this.client.clearHeartbeat();
      await this.client._connect();
      const socket = this.client.internals.socket;
      if (!socket) throw new Error('SDK opened no socket');
      if (this.stopping) {
        // stop() came while this connection was opening: don't leave it behind.
        socket.terminate();
        return;
      }
      this.current = socket;
      // Our own frame handler, told which socket a frame came on (acks go back on that socket).
      socket.removeAllListeners('message');
      socket.on('message', (raw) => this.client.handleRaw(String(raw), socket));
      socket.on('close', (code) => this.onSocketClosed(socket, code));
      // Open the new connection first, then drop the old one, so no frame window is lost.
      if (previous && previous !== socket) previous.terminate();
      this.connectedSince = Date.now();
      this.lastError = undefined;
      this.setConnected(true);
      this.log.info('stream: connected');
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private onSocketClosed(socket: WebSocket, code: number): void {
    if (socket !== this.current) return;
    this.current = undefined;
    this.setConnected(false);
    if (this.stopping) return;
    this.lastError = `socket closed (code ${code})`;
    this.log.warn({ code }, 'stream: socket closed, reconnecting');
    this.scheduleReconnect();
  }

  private reconnectNow(reason: string): void {
    if (this.stopping) return;
    this.log.info({ reason }, 'stream: reconnecting');
    void this.connectLoop();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer && !this.connecting) clearTimeout(this.reconnectTimer);
    const delay = this.nextDelay();
    this.nextRetryAt = Date.now() + delay;
    this.reconnectTimer = setTimeout(() => void this.connectLoop(), delay);
  }

  private nextDelay(): number {
    // A connection that stayed up a while resets the backoff.
    if (this.connectedSince && Date.now() - this.connectedSince > 30_000) this.attempt = 0;
    this.connectedSince = 0;
    return backoffDelay(this.attempt++, this.opts.minReconnectMs ?? 1000, this.opts.maxReconnectMs ?? 60_000);
  }

  private setConnected(v: boolean): void {
    this.connected = v;
    this.opts.metrics.streamConnected.set(v ? 1 : 0);
  }

  private onCallbackFrame(frame: DWClientDownStream, receivedAt: number, socket: WebSocket): void {
    const { topic, messageId } = frame.headers;
    if (!messageId) {
      // A callback must carry one (protocol); without it there is nothing to ack or dedupe on.
      this.log.warn({ topic }, 'stream: callback frame without messageId dropped');
      return;
    }
    // Ack first: a slow ack makes DingTalk redeliver. Card updates go through the card API afterwards.
    ack(socket, messageId, { response: topic === TOPIC_CARD ? {} : null });
    this.opts.metrics.framesAcked.inc({ topic });
    this.opts.metrics.ackLatency.observe((performance.now() - receivedAt) / 1000);
    let event: InboundEvent;
    try {
      const data = JSON.parse(frame.data) as Record<string, unknown>;
      if (topic === TOPIC_ROBOT) event = mapRobotMessage(data);
      else if (topic === TOPIC_CARD) event = mapCardCallback(data, messageId);
      else return;
    } catch (err) {
      this.log.warn({ topic, messageId, err: errMessage(err) }, 'stream: unusable callback frame');
      return;
    }
    setImmediate(() => this.opts.onEvent(event));
  }
}

/** A parsed frame, or why it can't be used. DingTalk's own event example spells `headers` as `header`. */
function parseFrame(raw: string): DWClientDownStream | string {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return 'not JSON';
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'not a JSON object';
  const o = v as Record<string, unknown>;
  const headers = o.headers ?? o.header;
  if (!headers || typeof headers !== 'object') return 'no headers';
  if (typeof o.type !== 'string') return 'no type';
  const h = headers as Record<string, unknown>;
  const clean: Record<string, string> = {};
  for (const [k, val] of Object.entries(h)) if (typeof val === 'string' || typeof val === 'number') clean[k] = String(val);
  if (!clean.topic) return 'no topic';
  const data = typeof o.data === 'string' ? o.data : o.data === undefined ? '' : JSON.stringify(o.data);
  return { ...(o as object), type: o.type, headers: clean, data } as unknown as DWClientDownStream;
}

/** The messageId of a frame that did not parse, so it can still be acked. */
function messageIdIn(raw: string): string | undefined {
  return /"messageId"\s*:\s*"([^"\\]{1,200})"/.exec(raw)?.[1];
}

/** The ack frame of the protocol, sent on the socket the frame came on. */
function ack(socket: WebSocket, messageId: string, data: unknown, code = 200, message = 'OK'): void {
  if (socket.readyState !== 1) return;
  corkForThisTick(socket);
  socket.send(JSON.stringify({ code, headers: { contentType: 'application/json', messageId }, message, data: JSON.stringify(data) }));
}

const corked = new WeakSet<object>();
/**
 * The acks of frames that arrived together (one TCP read: e.g. the frames queued while the event loop was
 * busy) leave in one write instead of one system call each: each ws send is a writev of its own, and a
 * burst of 100 acks paid for 100 of them before the last one left (~0.2 ms each on the busy 2-core machine).
 * Corks the TCP socket under the WebSocket until the end of this tick. `_socket` is ws's own field (not
 * typed); without it the acks go out one by one as before.
 */
function corkForThisTick(socket: WebSocket): void {
  const tcp = (socket as unknown as { _socket?: { cork?: () => void; uncork?: () => void } })._socket;
  if (!tcp?.cork || !tcp.uncork || corked.has(tcp)) return;
  corked.add(tcp);
  tcp.cork();
  process.nextTick(() => {
    corked.delete(tcp);
    tcp.uncork!();
  });
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

function str(o: unknown, key: string): string {
  const v = o && typeof o === 'object' ? (o as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' ? v : '';
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
