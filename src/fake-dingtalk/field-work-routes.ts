import { DateTime } from 'luxon';
import type { AttendanceResult, CheckinRecord } from '../domain/activity/dingtalk-records.js';
import type { FakeDingTalk, FakeResponse } from './fake-dingtalk.js';

/** The fake tenant's 签到 and 考勤 data; tests and the simulator add records, the routes serve them. */
export class FieldWorkStore {
  readonly checkins: CheckinRecord[] = [];
  readonly attendance: AttendanceResult[] = [];
  private nextId = 1_000_000;

  addCheckin(r: CheckinRecord): void {
    const i = this.checkins.findIndex((c) => c.userid === r.userid && c.checkin_time === r.checkin_time);
    if (i >= 0) this.checkins[i] = r;
    else this.checkins.push(r);
  }

  /** Adds (or, with an existing id, changes) a punch result; returns its id. */
  addAttendance(r: Omit<AttendanceResult, 'id'> & { id?: number | string }): number | string {
    const id = r.id ?? this.nextId++;
    const i = this.attendance.findIndex((a) => a.id === id);
    const rec = { ...r, id };
    if (i >= 0) this.attendance[i] = rec;
    else this.attendance.push(rec);
    return id;
  }
}

const ok = (extra: Record<string, unknown>): FakeResponse => ({ status: 200, body: { errcode: 0, errmsg: 'ok', ...extra } });
// 40035 is DingTalk's "invalid parameter"; the exact codes for each limit are not documented (reference §8).
const invalid = (errmsg: string): FakeResponse => ({ status: 200, body: { errcode: 40035, errmsg } });
const TENANT_ZONE = 'Asia/Shanghai';
const WORK_DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** topapi/checkin/record/get and attendance/list, with the limits and paging DingTalk documents. */
export function registerFieldWorkRoutes(f: FakeDingTalk, store: FieldWorkStore): void {
  f.route('POST', '/topapi/checkin/record/get', 'checkin.record.get', 'query', (req) => {
    const b = (req.body ?? {}) as { userid_list?: unknown; start_time?: unknown; end_time?: unknown; cursor?: unknown; size?: unknown };
    if (typeof b.userid_list !== 'string' || b.userid_list.trim() === '') return invalid('userid_list 必须是逗号分隔的 userid 字符串');
    const users = b.userid_list.split(',').map((u) => u.trim()).filter(Boolean);
    if (users.length > 10) return invalid('userid_list 最多 10 个用户');
    const start = Number(b.start_time);
    const end = Number(b.end_time);
    if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) return invalid('start_time/end_time 无效');
    const maxSpan = users.length > 1 ? 86_400_000 : 10 * 86_400_000;
    if (end - start > maxSpan) return invalid(users.length > 1 ? '多个用户时查询跨度不能超过 1 天' : '单个用户查询跨度不能超过 10 天');
    const size = b.size === undefined ? 100 : Number(b.size);
    if (!Number.isInteger(size) || size < 1 || size > 100) return invalid('size 取值 1~100');
    const cursor = Number(b.cursor ?? 0);
    const wanted = new Set(users);
    const all = store.checkins
      .filter((c) => wanted.has(c.userid) && c.checkin_time >= start && c.checkin_time <= end)
      .sort((a, b2) => a.checkin_time - b2.checkin_time || a.userid.localeCompare(b2.userid));
    const page = all.slice(cursor, cursor + size);
    const more = cursor + size < all.length;
    return ok({ result: { ...(more ? { next_cursor: cursor + size } : {}), page_list: page } });
  });

  f.route('POST', '/attendance/list', 'attendance.list', 'query', (req) => {
    const b = (req.body ?? {}) as { workDateFrom?: unknown; workDateTo?: unknown; userIdList?: unknown; offset?: unknown; limit?: unknown };
    if (typeof b.workDateFrom !== 'string' || typeof b.workDateTo !== 'string' || !WORK_DATE.test(b.workDateFrom) || !WORK_DATE.test(b.workDateTo)) {
      return invalid('workDateFrom/workDateTo 格式为 yyyy-MM-dd HH:mm:ss');
    }
    const from = DateTime.fromFormat(b.workDateFrom, 'yyyy-MM-dd HH:mm:ss', { zone: TENANT_ZONE });
    const to = DateTime.fromFormat(b.workDateTo, 'yyyy-MM-dd HH:mm:ss', { zone: TENANT_ZONE });
    if (to < from) return invalid('workDateTo 早于 workDateFrom');
    if (to.diff(from, 'days').days > 7) return invalid('查询跨度不能超过 7 天');
    if (!Array.isArray(b.userIdList) || b.userIdList.length === 0) return invalid('userIdList 不能为空');
    if (b.userIdList.length > 50) return invalid('userIdList 最多 50 个');
    const limit = Number(b.limit ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 50) return invalid('limit 取值 1~50');
    const offset = Number(b.offset ?? 0);
    const wanted = new Set(b.userIdList.map(String));
    const all = store.attendance
      .filter((a) => wanted.has(a.userId) && (a.workDate ?? 0) >= from.toMillis() && (a.workDate ?? 0) <= to.toMillis())
      .sort((a, c) => (a.workDate ?? 0) - (c.workDate ?? 0) || a.userId.localeCompare(c.userId) || Number(a.id) - Number(c.id));
    return ok({ hasMore: offset + limit < all.length, recordresult: all.slice(offset, offset + limit) });
  });
}
