import type { AttendanceResult, CheckinRecord } from '../../domain/activity/dingtalk-records.js';
import type { DingTalkOpenApi } from './openapi-client.js';

/**
 * DingTalk 签到 and 考勤 reads (legacy oapi, reference §8), with their limits as constants so the
 * connectors page the way the API pages.
 */
export const CHECKIN_LIMITS = { maxUsers: 10, pageSize: 100, maxSpanMsMultiUser: 86_400_000 } as const;
export const ATTENDANCE_LIMITS = { maxUsers: 50, pageSize: 50, maxSpanDays: 7 } as const;

export interface CheckinPage {
  records: CheckinRecord[];
  /** Absent when this was the last page. */
  nextCursor: number | undefined;
}

export interface AttendancePage {
  records: AttendanceResult[];
  hasMore: boolean;
}

export class FieldWorkApi {
  constructor(private readonly api: Pick<DingTalkOpenApi, 'legacyPost'>) {}

  /** POST topapi/checkin/record/get: ≤ 10 users (comma-separated), ≤ 1 day for several users, ≤ 100 per page. */
  async checkins(q: { userIds: readonly string[]; startMs: number; endMs: number; cursor: number }): Promise<CheckinPage> {
    const data = await this.api.legacyPost<{ result?: { next_cursor?: number | null; page_list?: CheckinRecord[] } }>('topapi/checkin/record/get', 'checkin.record.get', {
      userid_list: q.userIds.join(','),
      start_time: q.startMs,
      end_time: q.endMs,
      cursor: q.cursor,
      size: CHECKIN_LIMITS.pageSize,
    });
    const next = data.result?.next_cursor;
    return { records: data.result?.page_list ?? [], nextCursor: typeof next === 'number' ? next : undefined };
  }

  /** POST attendance/list: ≤ 50 users, ≤ 7 days of work dates, ≤ 50 per page, offset paging while hasMore. */
  async attendance(q: { userIds: readonly string[]; from: string; to: string; offset: number }): Promise<AttendancePage> {
    const data = await this.api.legacyPost<{ hasMore?: boolean; recordresult?: AttendanceResult[] }>('attendance/list', 'attendance.list', {
      workDateFrom: q.from,
      workDateTo: q.to,
      userIdList: q.userIds,
      offset: q.offset,
      limit: ATTENDANCE_LIMITS.pageSize,
      isI18n: false,
    });
    return { records: data.recordresult ?? [], hasMore: data.hasMore === true };
  }
}
