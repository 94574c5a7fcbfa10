import { describe, expect, it } from 'vitest';
import { consistencyReport } from '../../../src/domain/activity/consistency.js';
import { customerNameKey } from '../../../src/domain/activity/customer-key.js';
import { matchVisits, type MatchRecord } from '../../../src/domain/activity/matching.js';
import { DEFAULT_MATCH } from '../../../src/domain/activity/rules/rule-model.js';

const t = (hhmm: string, day = '2026-11-24') => Date.parse(`${day}T${hhmm}:00+08:00`);
const HUAWEI = { accountId: '001A', customerKey: customerNameKey('华为技术有限公司')! };
const crm = (id: string, from: string, to: string, extra: Partial<MatchRecord> = {}): MatchRecord => ({
  source: 'salesforce',
  sourceId: id,
  type: 'visit',
  start: t(from),
  end: t(to),
  ...HUAWEI,
  ...extra,
});
const checkin = (id: string, at: string, extra: Partial<MatchRecord> = {}): MatchRecord => ({
  source: 'dingtalk_checkin',
  sourceId: id,
  type: 'visit',
  start: t(at),
  customerKey: customerNameKey('华为技术')!,
  ...extra,
});

describe('customerNameKey', () => {
  it('ignores legal suffixes, case, spaces and punctuation', () => {
    expect(customerNameKey('华为技术有限公司')).toBe(customerNameKey(' 华为技术 '));
    expect(customerNameKey('Hill Group, Inc.')).toBe(customerNameKey('hill'));
    expect(customerNameKey('Walker Henson and Compton')).toBe('walkerhensonandcompton');
    expect(customerNameKey('')).toBeUndefined();
    expect(customerNameKey('有限公司')).toBeTruthy(); // never stripped to nothing
  });
});

describe('matchVisits', () => {
  it('matches a CRM visit and the check-in made on arrival; the CRM record is counted, the check-in points at it', () => {
    const out = matchVisits([crm('00U1', '10:00', '11:00'), checkin('c1', '09:52', { location: { lat: 31.2, lng: 121.4 } })], DEFAULT_MATCH);
    expect(out.get('salesforce:00U1')).toEqual({
      matchGroup: 'mg:salesforce:00U1',
      evidence: { checkin: true, checkinCount: 1, location: { lat: 31.2, lng: 121.4 } },
    });
    expect(out.get('dingtalk_checkin:c1')).toEqual({ matchGroup: 'mg:salesforce:00U1', mergedInto: { source: 'salesforce', sourceId: '00U1' } });
  });

  it('does not match a check-in outside the slack, at another customer, or of another type', () => {
    const records = [
      crm('00U1', '10:00', '11:00'),
      checkin('late', '11:31'),
      checkin('other', '10:10', { customerKey: customerNameKey('腾讯')! }),
      { ...checkin('call', '10:20'), type: 'call' },
    ];
    const out = matchVisits(records, DEFAULT_MATCH);
    expect([...out.values()].every((o) => o.matchGroup === undefined)).toBe(true);
  });

  it('matches a check-in exactly at the edge of the slack (30 minutes after the end)', () => {
    const out = matchVisits([crm('00U1', '10:00', '11:00'), checkin('edge', '11:30')], DEFAULT_MATCH);
    expect(out.get('dingtalk_checkin:edge')?.mergedInto).toEqual({ source: 'salesforce', sourceId: '00U1' });
  });

  it('never merges two visits from the same CRM', () => {
    const out = matchVisits([crm('00U1', '10:00', '11:00'), crm('00U2', '10:30', '11:30')], DEFAULT_MATCH);
    expect(out.get('salesforce:00U2')).toEqual({});
  });

  it('gives arrival and departure check-ins one visit with their span as duration', () => {
    const out = matchVisits([checkin('in', '14:00'), checkin('out', '14:47')], DEFAULT_MATCH);
    expect(out.get('dingtalk_checkin:in')).toEqual({ matchGroup: 'mg:dingtalk_checkin:in', evidence: { checkin: true, checkinCount: 2, durationMin: 47 } });
    expect(out.get('dingtalk_checkin:out')?.mergedInto).toEqual({ source: 'dingtalk_checkin', sourceId: 'in' });
  });

  it('matches an overnight visit with a check-in after midnight', () => {
    const night = crm('00U9', '23:30', '23:59');
    night.end = t('00:40', '2026-11-25');
    const out = matchVisits([night, checkin('c9', '00:20', { start: t('00:20', '2026-11-25') })], DEFAULT_MATCH);
    expect(out.get('dingtalk_checkin:c9')?.mergedInto?.sourceId).toBe('00U9');
  });

  it('matches by place when the check-in names no customer', () => {
    const near = { lat: 31.2304, lng: 121.4737 };
    const out = matchVisits(
      [crm('00U1', '10:00', '11:00', { customerLocation: near }), checkin('c1', '10:05', { customerKey: undefined, location: { lat: 31.232, lng: 121.474 } })],
      DEFAULT_MATCH,
    );
    expect(out.get('dingtalk_checkin:c1')?.mergedInto?.sourceId).toBe('00U1');
  });

  it('ignores deleted records, and gives the same result whatever the input order', () => {
    const a = [crm('00U1', '10:00', '11:00', { deleted: true }), checkin('c1', '10:05')];
    expect(matchVisits(a, DEFAULT_MATCH).get('dingtalk_checkin:c1')).toEqual({});
    const b = [checkin('c2', '10:40'), crm('00U3', '10:00', '11:00'), checkin('c1', '10:05'), { ...crm('w1', '10:00', '10:50'), source: 'webhook' }];
    const x = matchVisits(b, DEFAULT_MATCH);
    const y = matchVisits([...b].reverse(), DEFAULT_MATCH);
    expect([...y.entries()].sort()).toEqual([...x.entries()].sort());
    expect(x.get('webhook:w1')?.mergedInto?.sourceId).toBe('00U3');
  });
});

describe('consistencyReport', () => {
  it('reports the share of visit records that agree across systems, per person and overall', () => {
    const rows = [
      // rep01: 2 CRM visits, 2 check-ins, 1 pair matched → 2 of 4 agree
      { personId: 'rep01', source: 'salesforce', matchGroup: 'g1' },
      { personId: 'rep01', source: 'dingtalk_checkin', matchGroup: 'g1' },
      { personId: 'rep01', source: 'salesforce' },
      { personId: 'rep01', source: 'dingtalk_checkin' },
      // rep02: a matched pair, plus an arrival/departure pair with no CRM record (does not agree)
      { personId: 'rep02', source: 'salesforce', matchGroup: 'g2' },
      { personId: 'rep02', source: 'dingtalk_checkin', matchGroup: 'g2' },
      { personId: 'rep02', source: 'dingtalk_checkin', matchGroup: 'g3' },
      { personId: 'rep02', source: 'dingtalk_checkin', matchGroup: 'g3' },
      // attendance punches are not visit records
      { personId: 'rep02', source: 'dingtalk_attendance' },
    ];
    const r = consistencyReport(rows);
    expect(r.people).toEqual([
      { personId: 'rep01', total: 4, agreeing: 2, crmOnly: 1, checkinOnly: 1, share: 0.5 },
      { personId: 'rep02', total: 4, agreeing: 2, crmOnly: 0, checkinOnly: 2, share: 0.5 },
    ]);
    expect(r.overall).toMatchObject({ total: 8, agreeing: 4, share: 0.5 });
    expect(consistencyReport([]).overall.share).toBeUndefined();
  });
});
