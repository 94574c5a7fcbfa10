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
    now: o.clock.now(),
    timeZone: o.config.timeZone,
    logger: o.logger,
  });
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
        jobs: o.jobs.flatMap((j) => (j.every ? [{ name: j.name, interval: j.every.interval, timezone: j.every.timezone ?? o.config.timeZone }] : [])),
        logger: log,
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
