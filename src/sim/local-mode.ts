/**
 * Local mode's extras, kept out of the composition root: the demo company (or the tiny starter org) in the
 * DingTalk stand-in and the database, and the simulator with its time travel.
 */
import type { Agenda } from 'agenda';
import type Router from '@koa/router';
import type { JobSpec } from '../../jobs/job-spec.js';
import { CardTemplates } from '../adapters/cards/template-store.js';
import type { Models } from '../adapters/mongo/models/index.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { advanceDemo } from '../demo/advance-demo.js';
import { startDemoLoad, type DemoLoad } from '../demo/load-demo.js';
import type { FakeDingTalk } from '../fake-dingtalk/fake-dingtalk.js';
import { starterOrg } from '../fake-dingtalk/starter-org.js';
import { simRoutes } from '../http/routes/sim.js';
import type { Logger } from '../logger.js';
import { Simulator } from './simulator.js';
import { isMovable, TimeTravel } from './time-travel.js';
import type { WorkingCalendar } from '../domain/time/working-days.js';

/** Fills the stand-in's org now and the database in the background (DEMO_COMPANY_SIZE=0: starter org only). */
export async function populateLocalOrg(o: { config: Config; fake: FakeDingTalk; models: Models; clock: Clock; logger: Logger }): Promise<DemoLoad | undefined> {
  if (o.config.demo.size === 0) {
    o.fake.org.load(starterOrg());
    return undefined;
  }
  return startDemoLoad({
    models: o.models,
    db: o.models.Person.db.db!,
    fake: o.fake,
    seed: o.config.demo.seed,
    size: o.config.demo.size,
    historyQuarters: o.config.demo.historyQuarters,
    now: o.clock.now(),
    timeZone: o.config.timeZone,
    logger: o.logger,
  });
}

/**
 * The demo's team groups come bound to their teams, as if each manager had sent 「绑定团队群」 there, so
 * the simulator's T−72h preset shows the pre-review pack arriving in the team group. A binding someone
 * made in the simulator is kept.
 */
export async function bindDemoTeamGroups(models: Pick<Models, 'ReviewTeam'>, demo: DemoLoad | undefined): Promise<void> {
  if (!demo) return;
  for (const t of demo.company.teams) {
    await models.ReviewTeam.updateOne(
      { _id: t.managerId },
      { $setOnInsert: { groupId: t.groupId, groupTitle: `${t.name} 团队群`, boundBy: t.managerId, boundAt: demo.company.now } },
      { upsert: true },
    );
  }
}

export function startSimulator(o: {
  config: Config;
  fake: FakeDingTalk;
  models: Models;
  clock: Clock;
  agenda: Agenda;
  jobs: ReadonlyArray<JobSpec<never>>;
  demo: DemoLoad | undefined;
  logger: Logger;
  calendar?: () => Promise<WorkingCalendar>;
}): { simulator: Simulator; router: Router } {
  const log = o.logger.child({ component: 'simulator' });
  const timeTravel = isMovable(o.clock)
    ? new TimeTravel({
        clock: o.clock,
        agenda: o.agenda,
        jobs: o.jobs.flatMap((j) =>
          j.every ? [{ name: j.name, interval: j.every.interval, timezone: j.every.timezone ?? o.config.timeZone, ...(j.catchUp ? { catchUp: j.catchUp } : {}) }] : [],
        ),
        logger: log,
        beforeJobs: (_from, to) => continueDemo(o.demo, o.models, to, log),
      })
    : undefined;
  const simulator = new Simulator({
    fake: o.fake,
    clock: o.clock,
    timeTravel,
    templates: new CardTemplates(undefined, o.config.dingtalk.cardTemplatePrefix),
    models: o.models,
    timeZone: o.config.timeZone,
    hrUserIds: o.config.hrUserIds,
    demo: o.demo,
    logger: log,
    ...(o.calendar ? { calendar: o.calendar } : {}),
  });
  return { simulator, router: simRoutes(simulator) };
}

/**
 * The demo company keeps working while simulated time jumps (issue 12.6): its activity and deal changes up
 * to `to` are stored before the jobs that fell due run, so later weeks' reports have data. A failure is
 * logged and the jump goes on (the jobs still run, on what is stored).
 */
async function continueDemo(demo: DemoLoad | undefined, models: Models, to: Date, log: Logger): Promise<void> {
  if (!demo || !demo.progress().complete) return;
  try {
    const r = await advanceDemo({ models, db: models.Person.db.db!, company: demo.company, to });
    if (r.advanced) log.info({ from: r.from, to: r.to, activities: r.activities, deals: r.deals, ms: r.ms }, 'demo company: activity and deals added up to the new time');
  } catch (err) {
    log.error({ err }, 'demo company: could not add the activity up to the new time');
  }
}
