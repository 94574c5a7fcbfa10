import { describe, expect, it } from 'vitest';
import { factsOf, toContent } from '../../../src/domain/activity/normalize.js';
import { evaluationContext, typeAliases } from '../../../src/domain/activity/rules/context.js';
import { evaluate } from '../../../src/domain/activity/rules/evaluate.js';
import { DEFAULT_RULES_TEXT } from '../../../src/domain/activity/rules/rule-model.js';
import { parseRules } from '../../../src/domain/activity/rules/rule-parser.js';
import type { ActivityFacts, ActivityInput } from '../../../src/domain/activity/types.js';

function ctxFor(text: string) {
  const r = parseRules(text, typeAliases());
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return evaluationContext(r.rules, 1);
}
const ctx = ctxFor(DEFAULT_RULES_TEXT);
// A customer in Shanghai and points at known distances north of it (1° latitude ≈ 111.195 km).
const CUSTOMER = { lat: 31.2304, lng: 121.4737 };
const north = (km: number) => ({ lat: CUSTOMER.lat + km / 111.195, lng: CUSTOMER.lng });
const visit = (f: Partial<ActivityFacts>): ActivityFacts => ({ type: 'visit', checkin: false, customerLocation: CUSTOMER, ...f });

describe('validity rule: visit counts if ≥ 30 min and (within 1 km of the customer or a check-in)', () => {
  it('counts exactly 30 minutes, and not 29 minutes 59 seconds', () => {
    expect(evaluate(visit({ durationMin: 30, checkin: true }), ctx)).toEqual({ counted: true, reasons: [] });
    expect(evaluate(visit({ durationMin: 30 - 1 / 60, checkin: true }), ctx)).toEqual({ counted: false, reasons: ['时长 29 分 59 秒 < 30 分钟'] });
  });

  it('says "时长 18 分钟 < 30 分钟" for a short visit with a check-in', () => {
    expect(evaluate(visit({ durationMin: 18, checkin: true }), ctx).reasons).toEqual(['时长 18 分钟 < 30 分钟']);
  });

  it('counts a visit exactly 1 km away, and not one 1.1 km away without a check-in', () => {
    expect(evaluate(visit({ durationMin: 45, location: north(1) }), ctx).counted).toBe(true);
    expect(evaluate(visit({ durationMin: 45, location: north(1.1) }), ctx).reasons).toEqual(['距客户 1.1 公里 > 1 公里，且没有签到记录']);
    expect(evaluate(visit({ durationMin: 45, location: north(0.4) }), ctx).counted).toBe(true);
  });

  it('explains a missing location, missing customer coordinates and a missing end time', () => {
    expect(evaluate(visit({ durationMin: 45 }), ctx).reasons).toEqual(['没有位置坐标，且没有签到记录']);
    expect(evaluate(visit({ durationMin: 45, location: north(0.1), customerLocation: undefined }), ctx).reasons).toEqual([
      '客户地址没有坐标，无法核对距离，且没有签到记录',
    ]);
    expect(evaluate(visit({ checkin: true }), ctx).reasons).toEqual(['没有时长（缺少结束时间）']);
  });

  it('lists every failed condition, not only the first', () => {
    expect(evaluate(visit({ durationMin: 10, location: north(3.24) }), ctx).reasons).toEqual(['时长 10 分钟 < 30 分钟', '距客户 3.2 公里 > 1 公里，且没有签到记录']);
  });

  it('writes reasons in English for English speakers', () => {
    expect(evaluate(visit({ durationMin: 18, location: north(0.85) }), ctx, 'en').reasons).toEqual(['duration 18 min < 30 min']);
    expect(evaluate(visit({ durationMin: 40, location: north(2) }), ctx, 'en').reasons).toEqual(['2 km from the customer > 1 km, and no check-in record']);
  });

  it('applies gates no rule can override, in order', () => {
    expect(evaluate(visit({ durationMin: 60, checkin: true, deleted: true }), ctx).reasons).toEqual(['源系统中已删除']);
    expect(evaluate(visit({ durationMin: 60, checkin: true, mergedInto: { source: 'salesforce', sourceId: '00U1' } }), ctx).reasons).toEqual([
      '与Salesforce记录是同一次拜访，已合并只计一次',
    ]);
    expect(evaluate({ type: 'attendance', checkin: false }, ctx).reasons).toEqual(['「考勤打卡」不在本季度统计的行为类型中']);
    expect(evaluate({ type: 'call', checkin: false, completed: false }, ctx).reasons).toEqual(['任务还未完成']);
  });

  it('counts a tracked type without a rule, and never counts a "never" type', () => {
    expect(evaluate({ type: 'call', checkin: false }, ctx)).toEqual({ counted: true, reasons: [] });
    const c = ctxFor('call: never; email: duration >= 1');
    expect(evaluate({ type: 'call', checkin: false, durationMin: 99 }, c).reasons).toEqual(['「电话」按规则不计入']);
    expect(evaluate({ type: 'email', checkin: false }, c).reasons).toEqual(['没有时长（缺少结束时间）']);
  });

  it('uses the quarter’s own type list when HR defined one', () => {
    const c = evaluationContext({ rules: [] }, 2, [{ key: 'visit', name: '拜访' }, { key: 'demo', name: '产品演示' }]);
    expect(evaluate({ type: 'demo', checkin: false }, c).counted).toBe(true);
    expect(evaluate({ type: 'call', checkin: false }, c).reasons).toEqual(['「电话」不在本季度统计的行为类型中']);
  });
});

describe('durations and buckets across midnight and time zones', () => {
  const base: Omit<ActivityInput, 'startAt'> = { source: 'webhook', sourceId: 'x', person: { kind: 'userId', userId: 'rep01' }, type: 'visit', raw: {} };
  const content = (startAt: string, endAt?: string, zone = 'Asia/Shanghai') =>
    toContent({ ...base, startAt: new Date(startAt), ...(endAt ? { endAt: new Date(endAt) } : {}) }, 'rep01', { zone });

  it('gives an overnight visit its full duration and the day it started', () => {
    const c = content('2026-11-22T23:30:00+08:00', '2026-11-23T00:30:00+08:00');
    expect(c.durationMin).toBe(60);
    expect(c.day).toBe('2026-11-22');
    expect(c.isoWeek).toBe('2026-W47');
    expect(evaluate(factsOf({ ...c, source: 'webhook', evidence: { checkin: true } }), ctx).counted).toBe(true);
  });

  it('buckets by the company zone, whatever offset the source wrote', () => {
    // Monday 00:30 in Shanghai is still Sunday in UTC: the week is the company's.
    const a = content('2026-11-23T00:30:00+08:00', '2026-11-23T01:10:00+08:00');
    const b = content('2026-11-22T16:30:00Z', '2026-11-22T17:10:00Z');
    expect([a.day, a.isoWeek, a.quarterId]).toEqual(['2026-11-23', '2026-W48', '2026Q4']);
    expect([b.day, b.isoWeek, b.durationMin]).toEqual([a.day, a.isoWeek, a.durationMin]);
    // New Year's Eve 23:50 in Shanghai belongs to Q4, though UTC says the same.
    expect(content('2026-12-31T23:50:00+08:00').quarterId).toBe('2026Q4');
    expect(content('2026-12-31T16:10:00Z').quarterId).toBe('2027Q1');
  });

  it('measures real elapsed time across a daylight-saving change', () => {
    // 01:30 EDT → 01:15 EST on 2026-11-01 in New York is 45 minutes, not -15.
    const c = content('2026-11-01T01:30:00-04:00', '2026-11-01T01:15:00-05:00', 'America/New_York');
    expect(c.durationMin).toBe(45);
    expect(c.day).toBe('2026-11-01');
  });

  it('takes a check-in’s coordinates and duration from its match group', () => {
    const f = factsOf({ type: 'visit', source: 'salesforce', evidence: { checkin: true, durationMin: 42, location: { lat: 1, lng: 2 } } });
    expect(f).toEqual({ type: 'visit', durationMin: 42, location: { lat: 1, lng: 2 }, checkin: true });
    expect(factsOf({ type: 'visit', source: 'dingtalk_checkin' }).checkin).toBe(true);
  });

  it('hashes content so a re-delivered record is recognised as unchanged, and an edit is not', () => {
    const a = content('2026-11-23T10:00:00+08:00', '2026-11-23T10:40:00+08:00');
    const b = content('2026-11-23T10:00:00+08:00', '2026-11-23T10:40:00+08:00');
    const c = content('2026-11-23T10:00:00+08:00', '2026-11-23T10:50:00+08:00');
    expect(a.contentHash).toBe(b.contentHash);
    expect(c.contentHash).not.toBe(a.contentHash);
  });
});
