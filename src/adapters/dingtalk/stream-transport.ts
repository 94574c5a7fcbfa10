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
    private readonly handlers: { onFrame: (frame: DWClientDownStream, receivedAt: number) => void; onDisconnectFrame: () => void },
  ) {
    super({ clientId: opts.clientId, clientSecret: opts.clientSecret, keepAlive: opts.keepAlive, ua: 'trichain/0.1' });
    // Our supervisor owns reconnects; the SDK's own loop multiplies on handshake errors (SDK PR #17).
    Object.assign(this.config, { autoReconnect: false });
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

  override onDownStream(data: string): void {
    const receivedAt = performance.now();
    let frame: DWClientDownStream;
    try {
      frame = JSON.parse(String(data)) as DWClientDownStream;
    } catch (err) {
      this.opts.logger.warn({ err }, 'stream: dropped an unparsable frame');
      return;
    }
    if (frame.type === 'CALLBACK') {
      this.handlers.onFrame(frame, receivedAt);
      return;
    }
    super.onDownStream(data);
  }

  override onSystem(downstream: DWClientDownStream): void {
    super.onSystem(downstream);
    if (downstream.headers.topic === 'disconnect') {
      // The server retries an unacked disconnect; ack it, then move to a fresh connection.
      this.send(downstream.headers.messageId, { status: 'SUCCESS' });
      this.handlers.onDisconnectFrame();
    }
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

  constructor(private readonly opts: StreamTransportOptions) {
    this.log = opts.logger.child({ component: 'stream' });
    this.client = new SupervisedDWClient(opts, {
      onFrame: (frame, receivedAt) => this.onCallbackFrame(frame, receivedAt),
      onDisconnectFrame: () => this.reconnectNow('server asked to disconnect'),
    });
    this.client.registerCallbackListener(TOPIC_ROBOT, () => undefined);
    this.client.registerCallbackListener(TOPIC_CARD, () => undefined);
    // EVENT frames (org/attendance changes) are acked by the SDK synchronously; none are used yet.
    this.client.registerAllEventListener(() => ({ status: EventAck.SUCCESS }));
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** Connects; resolves on the first successful connection, retrying with backoff until then. */
  async start(): Promise<void> {
    this.stopping = false;
    await this.connectLoop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.reconnectTimer);
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
        const delay = this.nextDelay();
        this.log.warn({ err: errMessage(err), retryInMs: delay }, 'stream: connect failed');
        await new Promise((r) => {
          this.reconnectTimer = setTimeout(r, delay);
        });
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
      this.current = socket;
      socket.on('close', (code) => this.onSocketClosed(socket, code));
      // Open the new connection first, then drop the old one, so no frame window is lost.
      if (previous && previous !== socket) previous.terminate();
      this.connectedSince = Date.now();
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

  private onCallbackFrame(frame: DWClientDownStream, receivedAt: number): void {
    const { topic, messageId } = frame.headers;
    // Ack first: a slow ack makes DingTalk redeliver. Card updates go through the card API afterwards.
    this.client.socketCallBackResponse(messageId, topic === TOPIC_CARD ? {} : null);
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

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
