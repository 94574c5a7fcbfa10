import { randomUUID } from 'node:crypto';
import type { FakeDingTalk, FakeResponse } from './fake-dingtalk.js';
import { Outbox } from './outbox.js';

const bad = (code: string, message: string, status = 400): FakeResponse => ({ status, body: { code, message, requestid: randomUUID() } });
const legacyOk = (extra: Record<string, unknown>): FakeResponse => ({ status: 200, body: { errcode: 0, errmsg: 'ok', ...extra } });
const legacyErr = (errcode: number, errmsg: string): FakeResponse => ({ status: 200, body: { errcode, errmsg } });

/** DingTalk's public endpoints the bot uses, with the validation DingTalk applies to them. */
export function registerOpenApiRoutes(f: FakeDingTalk): void {
  f.route('POST', '/v1.0/gateway/connections/open', 'gateway.open', 'none', (req) => {
    const b = (req.body ?? {}) as { clientId?: string; clientSecret?: string; subscriptions?: Array<{ type?: string; topic?: string }> };
    if (req.headers.accept !== 'application/json') return { status: 200, contentType: 'application/xml', body: '<xml>accept json</xml>' };
    if (b.clientId !== f.clientId || b.clientSecret !== f.clientSecret) return bad('InvalidClient', 'clientId or clientSecret is wrong', 401);
    const ticket = f.stream.issueTicket(b.subscriptions ?? []);
    return { status: 200, body: { endpoint: f.streamEndpoint(), ticket } };
  });

  f.route('POST', '/v1.0/oauth2/accessToken', 'oauth2.accessToken', 'none', (req) => {
    const b = (req.body ?? {}) as { appKey?: string; appSecret?: string };
    if (b.appKey !== f.clientId || b.appSecret !== f.clientSecret) return bad('InvalidAppKey', 'appKey or appSecret is wrong');
    const { token, ttlSec } = f.issueToken();
    return { status: 200, body: { accessToken: token, expireIn: ttlSec } };
  });

  f.route('GET', '/gettoken', 'oapi.gettoken', 'none', (req) => {
    if (req.query.appkey !== f.clientId || req.query.appsecret !== f.clientSecret) return legacyErr(40089, 'invalid appkey or appsecret');
    const { token, ttlSec } = f.issueToken();
    return legacyOk({ access_token: token, expires_in: ttlSec });
  });

  f.route('POST', '/v1.0/robot/oToMessages/batchSend', 'robot.batchSend', 'header', (req) => {
    const b = (req.body ?? {}) as { robotCode?: string; userIds?: unknown; msgKey?: string; msgParam?: unknown };
    if (b.robotCode !== f.robotCode) return bad('invalidParameter.robotCode', 'robotCode is wrong');
    if (!Array.isArray(b.userIds) || b.userIds.length === 0) return bad('invalidParameter.userIds', 'userIds is required');
    if (b.userIds.length > 20) return bad('invalidParameter.userIds', 'at most 20 userIds per call');
    const param = parseMsgParam(b.msgParam);
    if (!b.msgKey || !param) return bad('invalidParameter.msgParam', 'msgKey and a JSON-string msgParam are required');
    const invalid: string[] = [];
    for (const userId of b.userIds.map(String)) {
      if (!f.org.users.has(userId)) {
        invalid.push(userId);
        continue;
      }
      f.outbox.add({ via: 'oto', conversation: `user:${userId}`, userIds: [userId], raw: { msgKey: b.msgKey, msgParam: param }, ...Outbox.fromRobotApi(b.msgKey, param) });
    }
    return { status: 200, body: { processQueryKey: randomUUID(), invalidStaffIdList: invalid, flowControlledStaffIdList: [] } };
  });

  f.route('POST', '/v1.0/robot/groupMessages/send', 'robot.groupSend', 'header', (req) => {
    const b = (req.body ?? {}) as { robotCode?: string; openConversationId?: string; msgKey?: string; msgParam?: unknown };
    if (b.robotCode !== f.robotCode) return bad('invalidParameter.robotCode', 'robotCode is wrong');
    const members = f.org.groupMembers(b.openConversationId ?? '');
    if (!members) return bad('resource.not.found', 'robot is not in this group');
    const param = parseMsgParam(b.msgParam);
    if (!b.msgKey || !param) return bad('invalidParameter.msgParam', 'msgKey and a JSON-string msgParam are required');
    if (JSON.stringify(param).length > 15_000) return bad('invalidParameter.msgParam', 'msgParam exceeds 15000 bytes');
    f.outbox.add({ via: 'group', conversation: `group:${b.openConversationId}`, userIds: members, raw: { msgKey: b.msgKey, msgParam: param }, ...Outbox.fromRobotApi(b.msgKey, param) });
    return { status: 200, body: { processQueryKey: randomUUID() } };
  });

  f.route('POST', '/robot/sendBySession', 'robot.sessionWebhook', 'none', (req) => {
    const s = f.sessions.get(req.query.session ?? '');
    if (!s) return legacyErr(300001, 'session 不存在或已过期');
    const parsed = Outbox.fromWebhook((req.body ?? {}) as Record<string, unknown>);
    if (!parsed) return legacyErr(40035, '缺少参数 msgtype 或不支持的类型');
    f.outbox.add({ via: 'session', conversation: s.conversation, userIds: s.userIds, raw: req.body, ...parsed });
    return legacyOk({});
  });

  f.route('POST', '/media/upload', 'media.upload', 'query', async (req) => {
    const form = await new Response(new Uint8Array(req.rawBody), { headers: { 'content-type': String(req.headers['content-type'] ?? '') } })
      .formData()
      .catch(() => undefined);
    const file = form?.get('media');
    const type = String(form?.get('type') ?? req.query.type ?? '');
    if (!form || !(file instanceof Blob)) return legacyErr(40004, '无效的媒体文件类型 (multipart part "media" missing)');
    if (type !== 'image' && type !== 'file') return legacyErr(40004, `unsupported media type ${type}`);
    const data = Buffer.from(await file.arrayBuffer());
    const filename = (file as File).name ?? 'upload';
    if (data.length > 20 * 1024 * 1024) return legacyErr(40006, type === 'image' ? '图片大小超过 20MB' : '文件大小超过 20MB');
    if (type === 'file') {
      // DingTalk's file type list is doc/docx/xls/xlsx/ppt/pptx/zip/pdf/rar; CSV is sent as a file in practice
      // (see docs/outcome-chain.md), so it is accepted here too. Anything else is refused like DingTalk does.
      if (!/\.(docx?|xlsx?|pptx?|zip|pdf|rar|csv)$/i.test(filename)) return legacyErr(40005, `不支持的文件格式 ${filename}`);
      const mediaId = `@lA${randomUUID().replaceAll('-', '')}`;
      f.media.set(mediaId, { data, type, filename });
      return legacyOk({ media_id: mediaId, type, created_at: Date.now() });
    }
    const isImage = data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) || data[0] === 0xff;
    if (!isImage) return legacyErr(40005, '不支持的文件格式');
    const mediaId = `@lA${randomUUID().replaceAll('-', '')}`;
    f.media.set(mediaId, { data, type, filename });
    return legacyOk({ media_id: mediaId, type, created_at: Date.now() });
  });

  f.route('POST', '/v1.0/card/instances/createAndDeliver', 'card.createAndDeliver', 'header', (req) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (!b.cardTemplateId) return bad('param.cardTemplateIdEmpty', 'cardTemplateId is empty');
    if (!b.outTrackId) return bad('param.outTrackIdEmpty', 'outTrackId is empty');
    const space = String(b.openSpaceId ?? '');
    const m = /^dtv1\.card\/\/(IM_ROBOT|IM_GROUP)\.(.+)$/.exec(space);
    if (!m) return bad('param.openSpaceIdInvalid', 'openSpaceId must be dtv1.card//IM_ROBOT.<userId> or dtv1.card//IM_GROUP.<cid>');
    const map = (b.cardData as { cardParamMap?: Record<string, unknown> } | undefined)?.cardParamMap ?? {};
    const nonString = Object.entries(map).find(([, v]) => typeof v !== 'string');
    if (nonString) return bad('param.cardParamMapInvalid', `cardParamMap.${nonString[0]} must be a string`);
    const outTrackId = String(b.outTrackId);
    const [, kind, target] = m as unknown as [string, string, string];
    const conversation = kind === 'IM_ROBOT' ? `user:${target}` : `group:${target}`;
    const result = { outTrackId, deliverResults: [{ spaceType: kind, spaceId: target, success: true, carrierId: randomUUID() }] };
    if (f.outbox.cards.has(outTrackId)) {
      // DingTalk documents outTrackId as the card's own id (to update it by) but promises nothing about a
      // second create with it, so the stand-in takes the pessimistic reading: the card arrives again.
      // The bot must never rely on a repeat being harmless (docs/exactly-once.md).
      const again = f.outbox.cards.get(outTrackId)!;
      f.outbox.add({ via: 'card', conversation: again.conversation, userIds: kind === 'IM_ROBOT' ? [target] : (f.org.groupMembers(target) ?? []), type: 'card', outTrackId, title: again.cardParamMap.title ?? '', raw: b });
      return { status: 200, body: { success: true, result } };
    }
    if (kind === 'IM_ROBOT' && !f.org.users.has(target)) return bad('param.userNotExist', `user ${target} does not exist`);
    if (kind === 'IM_GROUP' && !f.org.groups.has(target)) return bad('resource.not.found', 'robot is not in this group');
    if (b.callbackType !== 'STREAM') return bad('param.callbackTypeInvalid', 'this fake only routes STREAM card callbacks');
    const cardParamMap = map as Record<string, string>;
    const privateData = unwrapPrivate(b.privateData);
    const recipients = (b.imGroupOpenDeliverModel as { recipients?: string[] } | undefined)?.recipients;
    const userIds = kind === 'IM_ROBOT' ? [target] : (recipients ?? f.org.groupMembers(target) ?? []);
    f.outbox.cards.set(outTrackId, {
      outTrackId,
      templateId: String(b.cardTemplateId),
      conversation,
      cardParamMap: { ...cardParamMap },
      privateData,
      createdAt: Date.now(),
      updates: 0,
      history: [{ at: Date.now(), cardParamMap: { ...cardParamMap } }],
    });
    f.outbox.add({ via: 'card', conversation, userIds, type: 'card', outTrackId, title: cardParamMap.title ?? '', raw: b });
    return { status: 200, body: { success: true, result } };
  });

  f.route('PUT', '/v1.0/card/instances', 'card.update', 'header', (req) => {
    const b = (req.body ?? {}) as { outTrackId?: string; cardData?: { cardParamMap?: Record<string, unknown> }; privateData?: unknown; cardUpdateOptions?: { updateCardDataByKey?: boolean } };
    const card = f.outbox.cards.get(b.outTrackId ?? '');
    if (!card) return bad('param.cardNotExist', 'card instance does not exist');
    const map = b.cardData?.cardParamMap ?? {};
    const nonString = Object.entries(map).find(([, v]) => typeof v !== 'string');
    if (nonString) return bad('param.cardParamMapInvalid', `cardParamMap.${nonString[0]} must be a string`);
    // An update that changes nothing (how a sender asks whether a card exists) leaves no trace on the card.
    if (b.cardUpdateOptions?.updateCardDataByKey && Object.keys(map).length === 0 && !b.privateData) return { status: 200, body: { success: true, result: true } };
    card.cardParamMap = b.cardUpdateOptions?.updateCardDataByKey ? { ...card.cardParamMap, ...(map as Record<string, string>) } : { ...(map as Record<string, string>) };
    for (const [u, p] of Object.entries(unwrapPrivate(b.privateData))) card.privateData[u] = { ...card.privateData[u], ...p };
    card.updates++;
    card.history.push({ at: Date.now(), cardParamMap: { ...card.cardParamMap } });
    f.outbox.emit('card-updated', card);
    return { status: 200, body: { success: true, result: true } };
  });

  registerOrgRoutes(f);
}

function registerOrgRoutes(f: FakeDingTalk): void {
  const body = (req: { body: unknown }) => (req.body ?? {}) as Record<string, unknown>;
  f.route('POST', '/topapi/v2/user/get', 'org.user.get', 'query', (req) => {
    const u = f.org.userDetail(String(body(req).userid ?? ''));
    return u ? legacyOk({ result: u }) : legacyErr(60121, '找不到该用户');
  });
  f.route('POST', '/topapi/v2/department/get', 'org.dept.get', 'query', (req) => {
    const d = f.org.deptDetail(Number(body(req).dept_id));
    return d ? legacyOk({ result: d }) : legacyErr(60003, '部门不存在');
  });
  f.route('POST', '/topapi/v2/department/listsub', 'org.dept.listsub', 'query', (req) => {
    const id = Number(body(req).dept_id);
    return f.org.depts.has(id) ? legacyOk({ result: f.org.subDepts(id) }) : legacyErr(60003, '部门不存在');
  });
  f.route('POST', '/topapi/user/listid', 'org.user.listid', 'query', (req) => {
    const id = Number(body(req).dept_id);
    return f.org.depts.has(id) ? legacyOk({ result: { userid_list: f.org.userIdsInDept(id) } }) : legacyErr(60003, '部门不存在');
  });
  f.route('POST', '/topapi/v2/user/list', 'org.user.list', 'query', (req) => {
    const b = body(req);
    const id = Number(b.dept_id);
    const size = Math.min(100, Number(b.size ?? 100));
    const cursor = Number(b.cursor ?? 0);
    if (!f.org.depts.has(id)) return legacyErr(60003, '部门不存在');
    const ids = f.org.userIdsInDept(id);
    const page = ids.slice(cursor, cursor + size).map((u) => {
      const d = f.org.userDetail(u)!;
      const { manager_userid: _omitted, ...rest } = d; // list APIs do not return the manager
      return rest;
    });
    const more = cursor + size < ids.length;
    return legacyOk({ result: { has_more: more, ...(more ? { next_cursor: cursor + size } : {}), list: page } });
  });
}

function parseMsgParam(v: unknown): Record<string, unknown> | undefined {
  if (typeof v !== 'string') return undefined; // DingTalk wants a JSON-encoded string, not an object
  try {
    const p = JSON.parse(v);
    return p && typeof p === 'object' ? (p as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function unwrapPrivate(v: unknown): Record<string, Record<string, string>> {
  if (!v || typeof v !== 'object') return {};
  return Object.fromEntries(
    Object.entries(v as Record<string, { cardParamMap?: Record<string, string> }>).map(([u, p]) => [u, { ...(p?.cardParamMap ?? {}) }]),
  );
}
