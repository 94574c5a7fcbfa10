import type { ActivityInput } from './types.js';

/**
 * DingTalk 签到 (topapi/checkin/record/get) and 考勤 (attendance/list) records as activities.
 * A check-in has no record id: the person and the millisecond it was made identify it.
 */

export interface CheckinRecord {
  userid: string;
  checkin_time: number;
  place?: string;
  detail_place?: string;
  remark?: string;
  image_list?: string[];
  /** 拜访对象: the customer, when the rep filled it in. */
  visit_user?: string;
  /** Marked "not yet open" in DingTalk's SDK: often empty. */
  latitude?: string | number;
  longitude?: string | number;
}

export interface AttendanceResult {
  id: number | string;
  userId: string;
  workDate?: number;
  checkType?: string;
  timeResult?: string;
  locationResult?: string;
  baseCheckTime?: number;
  userCheckTime?: number;
  sourceType?: string;
  groupId?: number;
  planId?: number;
  recordId?: number;
}

const coord = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) && n !== 0 ? n : undefined;
};

export function checkinToActivity(r: CheckinRecord): ActivityInput | undefined {
  if (!r.userid || !Number.isFinite(r.checkin_time)) return undefined;
  const lat = coord(r.latitude);
  const lng = coord(r.longitude);
  const place = r.detail_place || r.place;
  const customer = r.visit_user?.trim();
  return {
    source: 'dingtalk_checkin',
    sourceId: `${r.userid}:${r.checkin_time}`,
    person: { kind: 'userId', userId: r.userid },
    type: 'visit',
    startAt: new Date(r.checkin_time),
    ...(customer ? { account: { name: customer } } : {}),
    ...(lat !== undefined && lng !== undefined ? { location: { lat, lng, ...(place ? { place } : {}) } } : place ? { location: { place } } : {}),
    completed: true,
    dims: { images: r.image_list?.length ?? 0 },
    raw: r,
  };
}

export function attendanceToActivity(r: AttendanceResult): ActivityInput | undefined {
  const at = r.userCheckTime ?? r.baseCheckTime;
  if (!r.userId || r.id === undefined || at === undefined) return undefined;
  return {
    source: 'dingtalk_attendance',
    sourceId: String(r.id),
    person: { kind: 'userId', userId: r.userId },
    type: 'attendance',
    startAt: new Date(at),
    dims: {
      ...(r.checkType ? { checkType: r.checkType } : {}),
      ...(r.timeResult ? { timeResult: r.timeResult } : {}),
      ...(r.locationResult ? { locationResult: r.locationResult } : {}),
      ...(r.sourceType ? { sourceType: r.sourceType } : {}),
    },
    raw: r,
  };
}
