import { describe, expect, it } from 'vitest';
import { parseReportArgs } from '../../../src/domain/report/command-args.js';
import { forEachBounded, itemsFor } from '../../../src/services/weekly-report/run-pass.js';
import type { BuiltReports } from '../../../src/services/weekly-report/report-builder.js';

describe('周报 / report arguments', () => {
  it.each([
    ['', { kind: 'self' }],
    ['张伟', { kind: 'view', who: '张伟' }],
    ['推送 张伟', { kind: 'push', target: { kind: 'person', who: '张伟' } }],
    ['推送', { kind: 'push-missing-target' }],
    ['推送 全部', { kind: 'push', target: { kind: 'all' } }],
    ['send all', { kind: 'push', target: { kind: 'all' } }],
    ['推送 团队 王磊', { kind: 'push', target: { kind: 'team', who: '王磊' } }],
    ['推送 王磊团队', { kind: 'push', target: { kind: 'team', who: '王磊' } }],
    ['推送 王磊的小组', { kind: 'push', target: { kind: 'team', who: '王磊' } }],
    ["send mgr01's team", { kind: 'push', target: { kind: 'team', who: 'mgr01' } }],
    ['send chris team', { kind: 'push', target: { kind: 'team', who: 'chris' } }],
    ['push team mgr01', { kind: 'push', target: { kind: 'team', who: 'mgr01' } }],
    ['sender', { kind: 'view', who: 'sender' }],
  ])('%j', (args, expected) => {
    expect(parseReportArgs(args)).toEqual(expected);
  });
});

describe('fan-out helpers', () => {
  const rep = (personId: string, managerId: string | null, personalBook = true) => ({ personId, managerId, figures: { personalBook } }) as BuiltReports['reports'][number];
  const built = {
    // m2 has a goal (a subject) but no personal book: a team summary only, no rep card of zeros (12.2).
    reports: [rep('r1', 'm1'), rep('r2', 'm1'), rep('r3', 'm2'), rep('r4', null), rep('m2', null, false)],
    teams: [{ managerId: 'm1' }, { managerId: 'm2' }],
  } as unknown as BuiltReports;

  it('delivers to the scope: everyone (managers first), one person, or a manager and their direct reports', () => {
    const ids = (scope: Parameters<typeof itemsFor>[0]) => itemsFor(scope, built).map((i) => `${i.recipientId}:${i.part}`);
    expect(ids({ kind: 'all', id: null })).toEqual(['m1:team', 'm2:team', 'r1:report', 'r2:report', 'r3:report', 'r4:report']);
    expect(ids({ kind: 'person', id: 'r3' })).toEqual(['r3:report']);
    expect(ids({ kind: 'team', id: 'm1' })).toEqual(['m1:team', 'r1:report', 'r2:report']);
  });

  it('keeps at most `limit` items in flight and stops taking new ones once aborted', async () => {
    let inFlight = 0;
    let peak = 0;
    const done: number[] = [];
    const abort = new AbortController();
    await forEachBounded([...Array(20).keys()], 3, abort.signal, async (i) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      done.push(i);
      if (i === 9) abort.abort();
    });
    expect(peak).toBe(3);
    expect(done.length).toBeGreaterThanOrEqual(10);
    expect(done.length).toBeLessThanOrEqual(12); // the ones already started finish
  });
});
