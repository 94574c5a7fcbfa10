import type { CardInstance, Destination, OutboundMessage, SendLane } from '../../bot/messages.js';
import type { Logger } from '../../logger.js';
import { HttpError, type HttpClient } from '../http/http-client.js';
import { backoffDelay, sleep } from '../http/backoff.js';
import type { RateLimiter } from '../http/rate-limiter.js';
import { toRobotMessage, toWebhookBody } from './message-shapes.js';
import type { TokenProvider } from './token-provider.js';

export interface OpenApiOptions {
  apiBase: string;
  oapiBase: string;
  robotCode: string;
  http: HttpClient;
  tokens: TokenProvider;
  /** Paces every message/card send (not reads) under DingTalk's flow control. */
  sendLimiter: RateLimiter;
  logger: Logger;
  /** How often users skipped by flow control are re-sent before giving up. */
  flowControlRetries?: number;
  /** Attempts after the first for a card create (our own loop, see createAndDeliverCard). Default 4. */
  cardRetries?: number;
}

/**
 * A card create that failed in a way that leaves open whether DingTalk created it (timeout, network error,
 * 5xx) and could not be settled by asking: the caller must look the card up before sending it again.
 */
export class UncertainSendError extends Error {
  constructor(
    readonly outTrackId: string,
    readonly reason: unknown,
  ) {
    super(`card ${outTrackId}: outcome unknown (${reason instanceof Error ? reason.message : String(reason)})`);
    this.name = 'UncertainSendError';
  }
}

export interface SendResult {
  invalidUserIds: string[];
  /** Still flow-controlled after the retries: not delivered. */
  flowControlledUserIds: string[];
}

/** Legacy oapi answers HTTP 200 with a non-zero errcode on failure. */
export class DingTalkApiError extends Error {
  constructor(
    readonly endpoint: string,
    readonly errcode: number | string,
    message: string,
  ) {
    super(`${endpoint}: ${errcode} ${message}`);
    this.name = 'DingTalkApiError';
  }
}

// errcodes that mean "the token is bad" (refetch once) and "busy, try later" (back off).
const LEGACY_AUTH_ERRCODES = new Set([40014, 42001, 40001]);
const LEGACY_BUSY_ERRCODES = new Set([-1, 90018, 90002]);
const BATCH_LIMIT = 20;

/** DingTalk OpenAPI calls this bot makes. Every call has a timeout and retries 429/5xx (see HttpClient). */
export class DingTalkOpenApi {
  constructor(private readonly o: OpenApiOptions) {}

  get robotCode(): string {
    return this.o.robotCode;
  }

  /** 1:1 robot messages; ≤ 20 users per call, users skipped by flow control are retried. */
  async sendToUsers(userIds: readonly string[], msg: OutboundMessage, lane: SendLane = 'bulk'): Promise<SendResult> {
    const result: SendResult = { invalidUserIds: [], flowControlledUserIds: [] };
    const unique = [...new Set(userIds)];
    for (let i = 0; i < unique.length; i += BATCH_LIMIT) {
      const batch = unique.slice(i, i + BATCH_LIMIT);
      const r = await this.sendBatch(batch, msg, lane);
      result.invalidUserIds.push(...r.invalidUserIds);
      result.flowControlledUserIds.push(...r.flowControlledUserIds);
    }
    return result;
  }

  private async sendBatch(userIds: string[], msg: OutboundMessage, lane: SendLane): Promise<SendResult> {
    const invalid: string[] = [];
    let pending = userIds;
    const retries = this.o.flowControlRetries ?? 3;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const data = await this.newApi<{ invalidStaffIdList?: string[]; flowControlledStaffIdList?: string[] }>(
        'POST',
        '/v1.0/robot/oToMessages/batchSend',
        'robot.batchSend',
        { robotCode: this.o.robotCode, userIds: pending, ...toRobotMessage(msg) },
        this.paceIn(lane),
      );
      invalid.push(...(data?.invalidStaffIdList ?? []));
      const throttled = data?.flowControlledStaffIdList ?? [];
      if (throttled.length === 0) break;
      if (attempt >= retries) return { invalidUserIds: invalid, flowControlledUserIds: throttled };
      this.o.logger.warn({ count: throttled.length, attempt }, 'batchSend: users flow-controlled, retrying them');
      await sleep(backoffDelay(attempt, 1000, 15_000));
      pending = throttled;
    }
    return { invalidUserIds: invalid, flowControlledUserIds: [] };
  }

  async sendToGroup(openConversationId: string, msg: OutboundMessage, lane: SendLane = 'bulk'): Promise<void> {
    await this.newApi(
      'POST',
      '/v1.0/robot/groupMessages/send',
      'robot.groupSend',
      { robotCode: this.o.robotCode, openConversationId, ...toRobotMessage(msg) },
      this.paceIn(lane),
    );
  }

  async send(to: Destination, msg: OutboundMessage, lane: SendLane = 'bulk'): Promise<SendResult> {
    if (to.kind === 'group') {
      await this.sendToGroup(to.openConversationId, msg, lane);
      return { invalidUserIds: [], flowControlledUserIds: [] };
    }
    return this.sendToUsers([to.userId], msg, lane);
  }

  /**
   * Replies in the conversation a message came from. The webhook needs no token and expires (~90 min).
   * Someone is waiting for it: it takes the interactive lane of the send budget.
   */
  async replyBySession(sessionWebhook: string, msg: OutboundMessage): Promise<void> {
    const res = await this.o.http.request<{ errcode?: number; errmsg?: string }>({
      method: 'POST',
      url: sessionWebhook,
      endpoint: 'robot.sessionWebhook',
      json: toWebhookBody(msg),
      pace: this.paceIn('interactive'),
    });
    if (res.data && typeof res.data.errcode === 'number' && res.data.errcode !== 0) {
      throw new DingTalkApiError('robot.sessionWebhook', res.data.errcode, res.data.errmsg ?? '');
    }
  }

  /** Uploads an image (legacy media API) and returns its media_id, usable in image messages and markdown. */
  async uploadImage(png: Buffer, filename = 'chart.png'): Promise<string> {
    const data = await this.legacy<{ media_id?: string }>('media/upload', 'media.upload', () => {
      const form = new FormData();
      form.append('type', 'image');
      form.append('media', new Blob([new Uint8Array(png)], { type: 'image/png' }), filename);
      return { body: form, query: { type: 'image' } };
    });
    if (!data.media_id) throw new DingTalkApiError('media.upload', 'no_media_id', 'response has no media_id');
    return data.media_id;
  }

  /** Uploads a file (legacy media API, type `file`) and returns its media_id, for a `sampleFile` message. */
  async uploadFile(data: Buffer, filename: string, contentType = 'application/octet-stream'): Promise<string> {
    const res = await this.legacy<{ media_id?: string }>('media/upload', 'media.upload', () => {
      const form = new FormData();
      form.append('type', 'file');
      form.append('media', new Blob([new Uint8Array(data)], { type: contentType }), filename);
      return { body: form, query: { type: 'file' } };
    });
    if (!res.media_id) throw new DingTalkApiError('media.upload', 'no_media_id', 'response has no media_id');
    return res.media_id;
  }

  /**
   * Creates a card and delivers it, once. DingTalk documents no idempotent repeat of an outTrackId, so this
   * never re-sends blindly: it runs its own retry loop (not HttpClient's), calls `guard` right before each
   * attempt (the sender's fencing check: it throws if another instance now owns the card), and after a
   * timeout, network error or 5xx — when the card may have been created — asks DingTalk whether the card
   * exists before trying again. Throws UncertainSendError if that question can't be answered either.
   */
  async createAndDeliverCard(
    card: CardInstance,
    to: Destination,
    opts: { atUserIds?: string[]; recipients?: string[]; guard?: () => Promise<void>; lane?: SendLane } = {},
  ): Promise<void> {
    const space =
      to.kind === 'user'
        ? {
            openSpaceId: `dtv1.card//IM_ROBOT.${to.userId}`,
            imRobotOpenSpaceModel: { supportForward: true },
            imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode: this.o.robotCode },
          }
        : {
            openSpaceId: `dtv1.card//IM_GROUP.${to.openConversationId}`,
            imGroupOpenSpaceModel: { supportForward: true },
            imGroupOpenDeliverModel: {
              robotCode: this.o.robotCode,
              ...(opts.atUserIds ? { atUserIds: Object.fromEntries(opts.atUserIds.map((u) => [u, u])) } : {}),
              ...(opts.recipients ? { recipients: opts.recipients } : {}),
            },
          };
    const body = {
      cardTemplateId: card.templateId,
      outTrackId: card.outTrackId,
      callbackType: 'STREAM',
      cardData: { cardParamMap: card.cardParamMap },
      ...(card.privateData ? { privateData: toPrivateData(card.privateData) } : {}),
      userIdType: 1,
      ...space,
    };
    const retries = this.o.cardRetries ?? 4;
    let uncertain: unknown;
    // The slot and then the fencing check, right before the request is written (after the token is at hand).
    const pace = this.paceIn(opts.lane ?? 'bulk');
    const paceThenGuard = async () => {
      await pace();
      await opts.guard?.();
    };
    for (let attempt = 0; ; attempt++) {
      if (uncertain !== undefined) {
        let exists: boolean;
        try {
          exists = await this.cardExists(card.outTrackId);
        } catch (err) {
          throw new UncertainSendError(card.outTrackId, err);
        }
        if (exists) {
          this.o.logger.info({ outTrackId: card.outTrackId }, 'card: an earlier attempt had created it; not sending again');
          return;
        }
        uncertain = undefined;
      }
      try {
        await this.newApi('POST', '/v1.0/card/instances/createAndDeliver', 'card.createAndDeliver', body, paceThenGuard, { retry: false });
        return;
      } catch (err) {
        const status = err instanceof HttpError ? err.status : -1;
        const maybeCreated = status === 0 || status >= 500;
        if (!maybeCreated && status !== 429) throw err; // a 4xx: repeating can't help
        if (attempt >= retries) throw maybeCreated ? new UncertainSendError(card.outTrackId, err) : err;
        if (maybeCreated) uncertain = err;
        this.o.logger.warn({ endpoint: 'card.createAndDeliver', status, attempt, outTrackId: card.outTrackId }, 'card: retrying');
        await sleep(backoffDelay(attempt, 300, 10_000));
      }
    }
  }

  /**
   * Whether a card with this outTrackId exists, asked with an update that changes nothing (no query API
   * for card instances is documented). "Does not exist" is DingTalk's param.cardNotExist-style 4xx; any
   * other failure throws, since guessing "no" could send a card twice.
   */
  async cardExists(outTrackId: string): Promise<boolean> {
    try {
      await this.newApi(
        'PUT',
        '/v1.0/card/instances',
        'card.exists',
        { outTrackId, cardData: { cardParamMap: {} }, cardUpdateOptions: { updateCardDataByKey: true }, userIdType: 1 },
        this.pace,
      );
      return true;
    } catch (err) {
      if (err instanceof HttpError && err.status >= 400 && err.status < 500 && err.status !== 429 && /not.?exist|not.?found/i.test(JSON.stringify(err.body ?? ''))) return false;
      throw err;
    }
  }

  /** Changes only the given keys of a delivered card. */
  async updateCard(outTrackId: string, cardParamMap: Record<string, string>, privateData?: CardInstance['privateData']): Promise<void> {
    await this.newApi('PUT', '/v1.0/card/instances', 'card.update', {
      outTrackId,
      cardData: { cardParamMap },
      ...(privateData ? { privateData: toPrivateData(privateData) } : {}),
      cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
      userIdType: 1,
    });
  }

  /** Legacy oapi POST with `?access_token=`, checking errcode. Exposed for org, attendance and check-in reads. */
  async legacyPost<T>(path: string, endpoint: string, json: unknown): Promise<T> {
    return this.legacy<T>(path, endpoint, () => ({ json }));
  }

  /** Every attempt of a send (first try and each retry) takes a slot from the send limiter, in its lane. */
  private readonly pace = () => this.o.sendLimiter.acquire('bulk');
  private paceIn(lane: SendLane): () => Promise<void> {
    return () => this.o.sendLimiter.acquire(lane);
  }

  private async newApi<T>(method: 'POST' | 'PUT', path: string, endpoint: string, json: unknown, pace?: () => Promise<void>, opts: { retry?: boolean } = {}): Promise<T> {
    for (let authRetry = 0; ; authRetry++) {
      const token = await this.o.tokens.get();
      try {
        const res = await this.o.http.request<T>({
          method,
          url: `${this.o.apiBase}${path}`,
          endpoint,
          headers: { 'x-acs-dingtalk-access-token': token },
          json,
          ...(pace ? { pace } : {}),
          ...(opts.retry === false ? { retry: false } : {}),
        });
        return res.data;
      } catch (err) {
        if (authRetry === 0 && err instanceof HttpError && err.status === 401) {
          this.o.tokens.invalidate(token);
          continue;
        }
        throw err;
      }
    }
  }

  private async legacy<T>(
    path: string,
    endpoint: string,
    build: () => { json?: unknown; body?: FormData; query?: Record<string, string> },
  ): Promise<T> {
    let authRetried = false;
    for (let attempt = 0; ; attempt++) {
      const token = await this.o.tokens.get();
      const { json, body, query } = build();
      const qs = new URLSearchParams({ access_token: token, ...query });
      const res = await this.o.http.request<{ errcode?: number; errmsg?: string } & T>({
        method: 'POST',
        url: `${this.o.oapiBase}/${path}?${qs.toString()}`,
        endpoint,
        ...(json !== undefined ? { json } : {}),
        ...(body !== undefined ? { body } : {}),
      });
      const code = res.data?.errcode ?? 0;
      if (code === 0) return res.data as T;
      if (LEGACY_AUTH_ERRCODES.has(code) && !authRetried) {
        authRetried = true;
        this.o.tokens.invalidate(token);
        continue;
      }
      if (LEGACY_BUSY_ERRCODES.has(code) && attempt < 4) {
        await sleep(backoffDelay(attempt, 500, 8000));
        continue;
      }
      throw new DingTalkApiError(endpoint, code, res.data?.errmsg ?? '');
    }
  }
}

function toPrivateData(p: Record<string, Record<string, string>>): Record<string, { cardParamMap: Record<string, string> }> {
  return Object.fromEntries(Object.entries(p).map(([user, map]) => [user, { cardParamMap: map }]));
}
