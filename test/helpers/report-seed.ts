/**
 * Minimal seeded sales org for the weekly report's tests, bench and example: people, a quarter, approved
 * goals, activities (some not counted, with reasons) and won deals, written straight through the models.
 * Deterministic for a given seed. The shared demo-company generator (issue 6) replaces this later; only
 * the model contracts are relied on, so swapping is a matter of calling that generator instead.
 */
import { DateTime } from 'luxon';
import type { Models } from '../../src/adapters/mongo/models/index.js';
import { dayKey, isoWeekKey, quarterOf, weeksBetween, isoWeekRange } from '../../src/domain/time/calendar.js';
import type { FakeUser } from '../../src/fake-dingtalk/types.js';
import { Rng } from '../../src/demo/prng.js';

export interface SeedOptions {
  /** Reps in total; managers get `repsPerManager` each. */
  reps: number;
  repsPerManager?: number;
  /** Activities and deals are generated up to this instant (later ones only if `includeFuture`). */
  now: Date;
  timeZone?: string;
  seed?: number;
  /** Average counted-or-not activities per rep per week (default 6). */
  activitiesPerWeek?: number;
  /** Report schedule stored on the quarter (default Friday 17:00). */
  reportSchedule?: { weekday: number; time: string };
  /** Id prefix, so two seeds can share a database. */
  prefix?: string;
}

export interface SeededOrg {
  quarterId: string;
  timeZone: string;
  hrId: string;
  managers: Array<{ id: string; name: string }>;
  reps: Array<{ id: string; name: string; managerId: string | null }>;
  /** Everyone, for the fake DingTalk's org (it only delivers to users it knows). */
  fakeUsers: FakeUser[];
}


const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘';
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '霞', '平', '刚'];
const ACCOUNTS = ['华诚科技', '东方制造', '远景物流', '海川医疗', '星河零售', '金桥地产', '瑞丰食品', '博远教育', '中兴机电', '晨光化工'];

export async function seedReportData(models: Pick<Models, 'Person' | 'Quarter' | 'Goal' | 'Activity' | 'Deal'>, o: SeedOptions): Promise<SeededOrg> {
  const tz = o.timeZone ?? 'Asia/Shanghai';
  const rng = new Rng(o.seed ?? 42);
  const rnd = () => rng.next();
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const p = o.prefix ?? '';
  const q = quarterOf(o.now, tz);
  const perManager = o.repsPerManager ?? 8;
  // Distinct names for the first few hundred people; beyond that repeats, as in a real company.
  const nameOf = (i: number) => SURNAMES[i % SURNAMES.length]! + GIVEN[(i + Math.floor(i / SURNAMES.length)) % GIVEN.length]!;

  const hrId = `${p}hr01`;
  const managers = Array.from({ length: Math.ceil(o.reps / perManager) }, (_, i) => ({ id: `${p}mgr${String(i + 1).padStart(4, '0')}`, name: nameOf(i * 13 + 5) }));
  const reps = Array.from({ length: o.reps }, (_, i) => ({
    id: `${p}rep${String(i + 1).padStart(5, '0')}`,
    name: nameOf(i),
    managerId: managers[Math.floor(i / perManager)]!.id,
  }));

  await models.Quarter.updateOne(
    { _id: q.id },
    {
      $setOnInsert: {
        startDate: q.start,
        endDate: q.end,
        reviewAt: new Date(q.end.getTime() - 7 * 86_400_000),
        timeZone: tz,
        metrics: [
          { key: 'signed_amount', name: '签约额', unit: 'cny' },
          { key: 'new_customers', name: '新客户', unit: 'count' },
        ],
        activityTypes: [
          { key: 'visit', name: '拜访' },
          { key: 'call', name: '电话' },
          { key: 'email', name: '邮件' },
        ],
        reportSchedule: o.reportSchedule ?? { weekday: 5, time: '17:00' },
        status: 'active',
      },
    },
    { upsert: true },
  );
  await models.Person.insertMany([
    { _id: hrId, name: '周敏', role: 'hr', managerId: null, source: 'seed' },
    ...managers.map((m) => ({ _id: m.id, name: m.name, role: 'manager', managerId: null, source: 'seed' })),
    ...reps.map((r) => ({ _id: r.id, name: r.name, role: 'rep', managerId: r.managerId, source: 'seed' })),
  ]);
  await models.Goal.insertMany(
    reps.map((r) => ({
      quarterId: q.id,
      ownerId: r.id,
      managerId: r.managerId,
      status: 'approved',
      targets: [
        { metric: 'signed_amount', value: 100_000 * (6 + Math.floor(rnd() * 7)) },
        { metric: 'new_customers', value: 8 + Math.floor(rnd() * 10) },
      ],
    })),
  );

  const weeks = weeksBetween(q.start, o.now, tz);
  const perWeek = o.activitiesPerWeek ?? 6;
  let activities: Array<Record<string, unknown>> = [];
  let deals: Array<Record<string, unknown>> = [];
  const flush = async (force: boolean) => {
    if (activities.length >= 5000 || (force && activities.length)) {
      await models.Activity.insertMany(activities, { lean: true });
      activities = [];
    }
    if (deals.length >= 5000 || (force && deals.length)) {
      await models.Deal.insertMany(deals, { lean: true });
      deals = [];
    }
  };
  for (const [ri, r] of reps.entries()) {
    // Rep profiles: some tailor proposals (and convert better), some visit a lot and rarely close.
    const tailor = rnd() < 0.3;
    const conversion = tailor ? 0.3 + rnd() * 0.2 : 0.05 + rnd() * 0.15;
    const busy = 0.5 + rnd();
    for (const w of weeks) {
      const { start } = isoWeekRange(w, tz);
      const n = Math.round(perWeek * busy * (0.5 + rnd()));
      for (let k = 0; k < n; k++) {
        const at = new Date(Math.max(start.getTime(), q.start.getTime()) + Math.floor(rnd() * 5 * 86_400_000));
        if (at >= o.now) continue;
        const type = rnd() < 0.6 ? 'visit' : rnd() < 0.7 ? 'call' : 'email';
        const durationMin = type === 'visit' ? 10 + Math.floor(rnd() * 80) : 5 + Math.floor(rnd() * 20);
        const hasLocation = type !== 'visit' || rnd() < 0.92;
        const reasons = type === 'visit' ? [...(durationMin < 30 ? [`时长 ${durationMin} 分钟 < 30 分钟`] : []), ...(hasLocation ? [] : ['没有定位记录'])] : [];
        const account = pick(ACCOUNTS);
        activities.push({
          personId: r.id,
          type,
          source: 'seed',
          sourceId: `${r.id}-${w}-${k}`,
          accountId: `acc-${account}`,
          accountName: account,
          startAt: at,
          durationMin,
          dims: type === 'visit' ? { proposalCustomized: rnd() < (tailor ? 0.75 : 0.15) } : {},
          counted: reasons.length === 0,
          reasons,
          day: dayKey(at, tz),
          isoWeek: isoWeekKey(at, tz),
          quarterId: q.id,
        });
        if (type === 'visit' && reasons.length === 0 && rnd() < conversion) {
          const close = new Date(Math.min(o.now.getTime() - 1, at.getTime() + Math.floor(rnd() * 3 * 86_400_000)));
          deals.push({
            personId: r.id,
            source: 'seed',
            sourceId: `${r.id}-deal-${w}-${k}`,
            name: `${account} 项目`,
            accountId: `acc-${account}-${ri}-${Math.floor(rnd() * 3)}`,
            accountName: account,
            stage: 'closed_won',
            amountCny: 10_000 * (3 + Math.floor(rnd() * 18)),
            isWon: true,
            isClosed: true,
            closeDate: close,
            isNewCustomer: rnd() < 0.6,
            quarterId: q.id,
            isoWeek: isoWeekKey(close, tz),
          });
        } else if (type === 'visit' && reasons.length === 0 && k % 3 === 0) {
          // Some opportunities are lost (no extra random draw, so the rest of the data stays as it was).
          deals.push({
            personId: r.id,
            source: 'seed',
            sourceId: `${r.id}-lost-${w}-${k}`,
            name: `${account} 项目`,
            accountId: `acc-${account}`,
            accountName: account,
            stage: 'closed_lost',
            amountCny: 50_000,
            isWon: false,
            isClosed: true,
            closeDate: at,
            openedDate: new Date(Math.max(q.start.getTime(), at.getTime() - 14 * 86_400_000)),
            isNewCustomer: false,
            quarterId: q.id,
            isoWeek: isoWeekKey(at, tz),
          });
        }
      }
    }
    await flush(false);
  }
  await flush(true);

  const fakeUsers: FakeUser[] = [
    { userid: hrId, name: '周敏', deptIds: [1] },
    ...managers.map((m) => ({ userid: m.id, name: m.name, deptIds: [1] })),
    ...reps.map((r) => ({ userid: r.id, name: r.name, deptIds: [1], ...(r.managerId ? { managerUserId: r.managerId } : {}) })),
  ];
  return { quarterId: q.id, timeZone: tz, hrId, managers, reps, fakeUsers };
}

/**
 * For tests whose bot runs on real time: a report schedule that was due a minute ago, true on any day of
 * the week. The runner follows the China working-day calendar, so on a weekend or holiday in Shanghai it
 * would move the push to the week's last working day (long past) and send nothing. The test company
 * therefore works that day, as HR would record it (公司假期 上班): a company override, not a test hook.
 */
export async function reportDueAMinuteAgo(models: Pick<Models, 'CompanyDay'>, now = new Date()): Promise<{ weekday: number; time: string }> {
  const due = DateTime.fromJSDate(new Date(now.getTime() - 60_000), { zone: 'Asia/Shanghai' });
  await models.CompanyDay.updateOne({ _id: due.toISODate()! }, { $set: { kind: 'work', note: 'test: report due now', setBy: 'test' } }, { upsert: true });
  return { weekday: due.weekday, time: due.toFormat('HH:mm') };
}
