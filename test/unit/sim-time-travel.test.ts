import { EventEmitter } from 'node:events';
import type { Agenda, Job } from 'agenda';
import { describe, expect, it } from 'vitest';
import { OffsetClock } from '../../src/clock.js';
import { silentLogger } from '../../src/logger.js';
import { clockPresets, nextWeeklyReport } from '../../src/sim/clock-presets.js';
import { TimeTravel, TimeTravelBusyError } from '../../src/sim/time-travel.js';

const sh = (s: string) => new Date(`${s}+08:00`);

/** Agenda's surface TimeTravel uses: now() runs the handler soon after, then emits success/fail. */
class FakeAgenda extends EventEmitter {
  readonly started: string[] = [];
  private id = 0;
  constructor(private readonly handlers: Record<string, () => Promise<void>>) {
    super();
  }
  async now(name: string): Promise<Job> {
    this.started.push(name);
    const job = { attrs: { _id: `job${++this.id}`, name } } as unknown as Job;
    setTimeout(() => {
      this.handlers[name]!().then(
        () => this.emit(`success:${name}`, job),
        (err: Error) => this.emit(`fail:${name}`, err, job),
      );
    }, 5);
    return job;
  }
}

function setup(handlers: Record<string, () => Promise<void>>, waitMs = 2000) {
  const clock = new OffsetClock();
  const agenda = new FakeAgenda(handlers);
  const tt = new TimeTravel({
    clock,
    agenda: agenda as unknown as Pick<Agenda, 'now' | 'on' | 'off'>,
    jobs: [
      { name: 'weekly-report', interval: '0 17 * * 5', timezone: 'Asia/Shanghai' },
      { name: 'purge-inbox', interval: '0 4 * * *', timezone: 'Asia/Shanghai' },
      { name: 'sync', interval: '6 hours', timezone: 'Asia/Shanghai' },
    ],
    logger: silentLogger,
    waitMs,
  });
  return { clock, agenda, tt };
}

describe('time travel', () => {
  it('runs each job that fell due once, and the job sees the new time', async () => {
    let seenByReport: Date | undefined;
    const { clock, agenda, tt } = setup({
      'weekly-report': async () => {
        seenByReport = clock.now();
      },
      'purge-inbox': async () => undefined,
      sync: async () => undefined,
    });
    clock.set(sh('2026-11-24T10:00:00')); // Tuesday
    const report = await tt.jumpTo(sh('2026-11-27T17:00:00'));
    expect(agenda.started.sort()).toEqual(['purge-inbox', 'sync', 'weekly-report']);
    const byName = Object.fromEntries(report.ran.map((r) => [r.name, r]));
    expect(byName['weekly-report']).toMatchObject({ dueCount: 1, outcome: 'success', lastDue: '2026-11-27T09:00:00.000Z' });
    expect(byName['purge-inbox']).toMatchObject({ dueCount: 3, outcome: 'success' });
    expect(byName.sync!.dueCount).toBe(13); // 79 hours / 6
    expect(Math.abs(seenByReport!.getTime() - sh('2026-11-27T17:00:00').getTime())).toBeLessThan(1000);
  });

  it('runs nothing that was not due, and nothing when going back', async () => {
    const { clock, agenda, tt } = setup({ 'weekly-report': async () => undefined, 'purge-inbox': async () => undefined, sync: async () => undefined });
    clock.set(sh('2026-11-24T10:00:00'));
    const r = await tt.jumpTo(sh('2026-11-24T15:00:00'));
    expect(r.ran).toEqual([]);
    const back = await tt.jumpTo(sh('2026-11-20T10:00:00'));
    expect(back.ran).toEqual([]);
    expect(agenda.started).toEqual([]);
    expect(Math.abs(clock.now().getTime() - sh('2026-11-20T10:00:00').getTime())).toBeLessThan(1000);
  });

  it('reports a failing job and one still running, and refuses a second jump meanwhile', async () => {
    let release!: () => void;
    const { clock, tt } = setup(
      {
        'weekly-report': () => new Promise<void>((r) => (release = r)),
        'purge-inbox': async () => {
          throw new Error('database down');
        },
        sync: async () => undefined,
      },
      300,
    );
    clock.set(sh('2026-11-26T10:00:00'));
    const jump = tt.jumpTo(sh('2026-11-27T17:30:00'));
    await expect(tt.jumpTo(sh('2026-11-28T10:00:00'))).rejects.toBeInstanceOf(TimeTravelBusyError);
    const r = await jump;
    const byName = Object.fromEntries(r.ran.map((x) => [x.name, x]));
    expect(byName['purge-inbox']).toMatchObject({ outcome: 'failed', error: 'database down' });
    expect(byName['weekly-report']!.outcome).toBe('still-running');
    release();
  });

  it('refuses a job whose schedule Agenda could not read', () => {
    expect(
      () => new TimeTravel({ clock: new OffsetClock(), agenda: new FakeAgenda({}) as unknown as Pick<Agenda, 'now' | 'on' | 'off'>, jobs: [{ name: 'x', interval: 'fortnightly-ish', timezone: 'UTC' }], logger: silentLogger }),
    ).toThrow();
  });
});

describe('clock presets', () => {
  const quarter = { reviewAt: sh('2026-12-31T14:00:00'), reportSchedule: { weekday: 5, time: '17:00' }, endDate: sh('2027-01-01T00:00:00') };

  it('jumps to the next weekly report, never to one that is now or past', () => {
    expect(nextWeeklyReport(sh('2026-11-24T10:00:00'), 'Asia/Shanghai').toISOString()).toBe(sh('2026-11-27T17:00:00').toISOString());
    expect(nextWeeklyReport(sh('2026-11-27T17:00:00'), 'Asia/Shanghai').toISOString()).toBe(sh('2026-12-04T17:00:00').toISOString());
    expect(nextWeeklyReport(sh('2026-11-28T09:00:00'), 'Asia/Shanghai', { weekday: 1, time: '09:30' }).toISOString()).toBe(sh('2026-11-30T09:30:00').toISOString());
  });

  it('offers T−72h before the review while it is ahead', () => {
    const presets = clockPresets(sh('2026-11-24T10:00:00'), 'Asia/Shanghai', quarter);
    const pre = presets.find((p) => p.key === 'pre-review')!;
    expect(pre.at).toBe(sh('2026-12-28T14:00:00').toISOString());
    expect(pre.note).toContain('12月28日 周一 14:00');
    const late = clockPresets(sh('2026-12-29T10:00:00'), 'Asia/Shanghai', quarter).find((p) => p.key === 'pre-review')!;
    expect(late.at).toBeUndefined();
    expect(presets.find((p) => p.key === 'weekly-report')!.label).toBe('跳到周五 17:00（周报）');
    expect(clockPresets(sh('2026-11-24T10:00:00'), 'Asia/Shanghai', undefined).find((p) => p.key === 'pre-review')!.at).toBeUndefined();
  });
});

describe('time travel over several report times (12.6)', () => {
  it('stops at each catch-up time: every job due by then runs there, the catch-up job sees that time and says what it did', async () => {
    const clock = new OffsetClock();
    const seen: string[] = [];
    const activityAt: string[] = [];
    const fridays = [sh('2026-11-13T17:00:00'), sh('2026-11-20T17:00:00'), sh('2026-11-27T17:00:00')];
    const agenda = new FakeAgenda({
      'weekly-report': async () => {
        seen.push(clock.now().toISOString().slice(0, 16));
      },
      'demo-activity': async () => {
        activityAt.push(clock.now().toISOString().slice(0, 16));
      },
    });
    const tt = new TimeTravel({
      clock,
      agenda: agenda as unknown as Pick<Agenda, 'now' | 'on' | 'off'>,
      jobs: [
        {
          name: 'weekly-report',
          interval: '1 minute',
          timezone: 'Asia/Shanghai',
          catchUp: {
            stops: async (from, to) => fridays.filter((f) => f > from && f <= to),
            settle: async (at) => `week of ${at.toISOString().slice(0, 10)} sent`,
          },
        },
        { name: 'demo-activity', interval: '1 hour', timezone: 'Asia/Shanghai' },
      ],
      logger: silentLogger,
    });
    clock.set(sh('2026-11-10T09:00:00'));
    const report = await tt.jumpTo(sh('2026-11-28T09:00:00'));
    // Before: one run at the end, and the weeks in between were skipped.
    expect(seen).toEqual([...fridays.map((f) => f.toISOString().slice(0, 16)), '2026-11-28T01:00']);
    // The activity job ran at each stop before (in the same round as) the report, so no week is empty.
    expect(activityAt.slice(0, 3)).toEqual(fridays.map((f) => f.toISOString().slice(0, 16)));
    const notes = report.ran.filter((r) => r.name === 'weekly-report').map((r) => r.note);
    expect(notes).toEqual(['week of 2026-11-13 sent', 'week of 2026-11-20 sent', 'week of 2026-11-27 sent', undefined]);
  });
});

describe('time travel: the demo company keeps working', () => {
  it('calls beforeJobs with the span before the jobs that fell due run, and not when the clock goes back', async () => {
    const order: string[] = [];
    const clock = new OffsetClock();
    const agenda = new FakeAgenda({ 'weekly-report': async () => void order.push('job') });
    const spans: Array<[string, string]> = [];
    const tt = new TimeTravel({
      clock,
      agenda: agenda as unknown as Pick<Agenda, 'now' | 'on' | 'off'>,
      jobs: [{ name: 'weekly-report', interval: '0 17 * * 5', timezone: 'Asia/Shanghai' }],
      logger: silentLogger,
      waitMs: 2000,
      beforeJobs: async (from, to) => {
        spans.push([from.toISOString(), to.toISOString()]);
        order.push('demo');
      },
    });
    clock.set(sh('2026-11-24T10:00:00'));
    await tt.jumpTo(sh('2026-11-27T17:00:00'));
    expect(spans).toEqual([[sh('2026-11-24T10:00:00').toISOString(), sh('2026-11-27T17:00:00').toISOString()]]);
    expect(order).toEqual(['demo', 'job']);
    await tt.jumpTo(sh('2026-11-20T10:00:00'));
    expect(spans).toHaveLength(1);
  });
});
