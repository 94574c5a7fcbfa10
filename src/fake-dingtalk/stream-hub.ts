import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { WebSocketServer, type WebSocket } from 'ws';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

export interface AckRecord {
  messageId: string;
  code: number;
  data: unknown;
  at: number;
  /** ms from push to ack. */
  latencyMs: number;
}

export interface DownstreamFrame {
  specVersion: '1.0';
  type: 'SYSTEM' | 'EVENT' | 'CALLBACK';
  headers: Record<string, string>;
  data: string;
}

interface Connection {
  id: string;
  socket: WebSocket;
  topics: Set<string>;
  openedAt: number;
  /** Set once a `disconnect` was sent: DingTalk routes nothing more to it and closes it later. */
  draining: boolean;
}

interface Pending {
  frame: DownstreamFrame;
  pushedAt: number;
  timer?: NodeJS.Timeout;
  deliveries: number;
}

/**
 * The stream side of the fake: one-use tickets, WebSocket connections, downstream frames and the acks
 * clients send back. Like DingTalk, a frame goes to one connection and is pushed again if not acked in time.
 */
export class StreamHub extends EventEmitter {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Map<string, { topics: Set<string>; expiresAt: number }>();
  private readonly conns = new Map<string, Connection>();
  private readonly pending = new Map<string, Pending>();
  readonly acks: AckRecord[] = [];
  /** Frames pushed, including redeliveries. */
  readonly pushed: DownstreamFrame[] = [];

  constructor(
    private readonly opts: {
      appId: string;
      redeliverAfterMs: number;
      maxRedeliveries: number;
      /** After a `disconnect` DingTalk closes the TCP connection about 10 s later (protocol document). */
      disconnectCloseAfterMs?: number;
    },
  ) {
    super();
  }

  issueTicket(subscriptions: Array<{ type?: string; topic?: string }>): string {
    const ticket = randomUUID();
    const topics = new Set(subscriptions.filter((s) => s.type === 'CALLBACK' && s.topic).map((s) => String(s.topic)));
    // EVENT subscriptions accept only "*" (protocol); event frames carry topic "*".
    if (subscriptions.some((s) => s.type === 'EVENT' && s.topic === '*')) topics.add('*');
    this.tickets.set(ticket, { topics, expiresAt: Date.now() + 90_000 });
    return ticket;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const ticket = url.searchParams.get('ticket') ?? '';
    const t = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    if (!t || t.expiresAt < Date.now()) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.adopt(ws, t.topics));
  }

  private adopt(socket: WebSocket, topics: Set<string>): void {
    const conn: Connection = { id: randomUUID(), socket, topics, openedAt: Date.now(), draining: false };
    this.conns.set(conn.id, conn);
    socket.on('message', (raw) => this.onUpstream(String(raw)));
    socket.on('close', () => {
      this.conns.delete(conn.id);
      this.emit('disconnected', conn.id);
    });
    socket.on('error', () => socket.terminate());
    this.emit('connected', conn.id);
  }

  private onUpstream(raw: string): void {
    let msg: { code?: number; headers?: { messageId?: string }; data?: string };
    try {
      msg = JSON.parse(raw);
    } catch {
      return;
    }
    const messageId = msg.headers?.messageId;
    if (!messageId) return;
    const p = this.pending.get(messageId);
    let data: unknown = msg.data;
    try {
      data = typeof msg.data === 'string' ? JSON.parse(msg.data) : msg.data;
    } catch {
      /* keep the raw string */
    }
    const ack: AckRecord = {
      messageId,
      code: msg.code ?? 0,
      data,
      at: Date.now(),
      latencyMs: p ? performance.now() - p.pushedAt : 0,
    };
    this.acks.push(ack);
    if (p && ack.code === 200) {
      // An event acked {status: LATER} failed to be consumed: it stays pending and is pushed again.
      const later = p.frame.type === 'EVENT' && (data as { status?: unknown } | undefined)?.status === 'LATER';
      if (!later) {
        clearTimeout(p.timer);
        this.pending.delete(messageId);
      }
      if (p.frame.type === 'CALLBACK') {
        this.emit('callback-ack', { topic: p.frame.headers.topic, data: JSON.parse(p.frame.data) as unknown, response: (data as { response?: unknown } | undefined)?.response });
      }
    }
    this.emit('ack', ack);
  }

  connectionCount(): number {
    return [...this.conns.values()].filter((c) => c.socket.readyState === 1 && !c.draining).length;
  }

  /** Pushes a CALLBACK frame to one subscribed connection; returns its messageId. */
  pushCallback(topic: string, data: unknown, opts: { messageId?: string; copies?: number } = {}): string {
    return this.pushFrame('CALLBACK', topic, {}, data, opts);
  }

  /**
   * Pushes an EVENT frame (topic "*", with the event headers of the protocol document) to one connection
   * subscribed to EVENT "*". Acked `{status: "LATER"}` or not acked, it is pushed again later.
   */
  pushEvent(eventType: string, data: unknown, opts: { messageId?: string; eventId?: string; corpId?: string } = {}): string {
    const now = String(Date.now());
    return this.pushFrame(
      'EVENT',
      '*',
      {
        eventType,
        eventId: opts.eventId ?? randomUUID().replaceAll('-', ''),
        eventCorpId: opts.corpId ?? 'ding_fake_corp',
        eventBornTime: now,
        eventUnifiedAppId: this.opts.appId,
      },
      data,
      opts,
    );
  }

  private pushFrame(type: 'CALLBACK' | 'EVENT', topic: string, extra: Record<string, string>, data: unknown, opts: { messageId?: string; copies?: number }): string {
    const messageId = opts.messageId ?? dingtalkStyleMessageId();
    const frame: DownstreamFrame = {
      specVersion: '1.0',
      type,
      headers: {
        topic,
        messageId,
        contentType: 'application/json',
        time: String(Date.now()),
        appId: this.opts.appId,
        connectionId: '',
        ...extra,
      },
      data: JSON.stringify(data),
    };
    const p: Pending = { frame, pushedAt: performance.now(), deliveries: 0 };
    this.pending.set(messageId, p);
    for (let i = 0; i < (opts.copies ?? 1); i++) this.deliver(p, topic);
    return messageId;
  }

  private deliver(p: Pending, topic: string): void {
    const candidates = [...this.conns.values()].filter((c) => c.socket.readyState === 1 && !c.draining && c.topics.has(topic));
    p.deliveries++;
    clearTimeout(p.timer);
    if (p.deliveries <= this.opts.maxRedeliveries + 1) {
      p.timer = setTimeout(() => {
        if (this.pending.has(p.frame.headers.messageId!)) this.deliver(p, topic);
      }, this.opts.redeliverAfterMs);
      p.timer.unref();
    }
    const conn = candidates[Math.floor(Math.random() * candidates.length)];
    if (!conn) return; // nobody connected: stays pending and is retried by the timer
    const frame = { ...p.frame, headers: { ...p.frame.headers, connectionId: conn.id } };
    this.pushed.push(frame);
    conn.socket.send(JSON.stringify(frame));
  }

  /** Sends a SYSTEM `ping` (data `{opaque}`) to every connection; returns the messageIds to wait for. */
  pushPing(): string[] {
    const ids: string[] = [];
    for (const c of this.conns.values()) {
      if (c.draining) continue;
      const messageId = dingtalkStyleMessageId();
      ids.push(messageId);
      const frame = { specVersion: '1.0' as const, type: 'SYSTEM' as const, headers: { topic: 'ping', messageId, contentType: 'application/json', time: String(Date.now()) }, data: JSON.stringify({ opaque: randomUUID() }) };
      this.pushed.push(frame);
      c.socket.send(JSON.stringify(frame));
    }
    return ids;
  }

  /**
   * Sends the SYSTEM `disconnect` of DingTalk's protocol document to every live connection: no messageId,
   * `{reason}`; from then on nothing is routed to those connections, and each is closed
   * `disconnectCloseAfterMs` (10 s) later. Returns how many connections were told.
   */
  pushDisconnect(reason = 'connection is expired'): number {
    let n = 0;
    for (const c of this.conns.values()) {
      if (c.draining || c.socket.readyState !== 1) continue;
      c.draining = true;
      n++;
      const frame = { specVersion: '1.0' as const, type: 'SYSTEM' as const, headers: { topic: 'disconnect', contentType: 'application/json', time: String(Date.now()) }, data: JSON.stringify({ reason }) };
      this.pushed.push(frame);
      c.socket.send(JSON.stringify(frame));
      const t = setTimeout(() => c.socket.close(1000, 'disconnect'), this.opts.disconnectCloseAfterMs ?? 10_000);
      t.unref();
      c.socket.once('close', () => clearTimeout(t));
    }
    return n;
  }

  /** Sends text as-is to every live connection (frames DingTalk might send that we don't expect). */
  pushRaw(text: string): void {
    for (const c of this.conns.values()) if (!c.draining && c.socket.readyState === 1) c.socket.send(text);
  }

  /** Connections told to disconnect that are still open (DingTalk's ~10 s window). */
  drainingCount(): number {
    return [...this.conns.values()].filter((c) => c.draining && c.socket.readyState === 1).length;
  }

  /** Kills every socket without a close handshake, like a dropped network. */
  dropAll(): void {
    for (const c of this.conns.values()) c.socket.terminate();
  }

  waitForAck(messageId: string, timeoutMs = 5000): Promise<AckRecord> {
    const found = this.acks.find((a) => a.messageId === messageId);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.off('ack', onAck);
        reject(new Error(`no ack for ${messageId} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onAck = (a: AckRecord) => {
        if (a.messageId !== messageId) return;
        clearTimeout(t);
        this.off('ack', onAck);
        resolve(a);
      };
      this.on('ack', onAck);
    });
  }

  async close(): Promise<void> {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    for (const c of this.conns.values()) c.socket.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
  }
}

/** A messageId shaped like DingTalk's (`212ca9d7_974_1898c159aa6_1783b`: hex, number, hex time, hex). */
function dingtalkStyleMessageId(): string {
  const hex = randomUUID().replaceAll('-', '');
  return `${hex.slice(0, 8)}_${100 + Math.floor(Math.random() * 900)}_${Date.now().toString(16)}_${hex.slice(8, 13)}`;
}
