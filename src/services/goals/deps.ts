import type { TopLevelSpec } from 'vega-lite';
import type { CardTemplates } from '../../adapters/cards/template-store.js';
import type { AuditRepository } from '../../adapters/mongo/audit-repository.js';
import type { GoalRepository } from '../../adapters/mongo/goal-repository.js';
import type { PeopleFinder } from '../../adapters/mongo/people-finder.js';
import type { PeopleRepository } from '../../adapters/mongo/people-repository.js';
import type { QuarterRepository } from '../../adapters/mongo/quarter-repository.js';
import type { Messenger } from '../../bot/messenger.js';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { OrgSync } from '../org-sync.js';
import type { PersonQuarterFigures } from '../../domain/figures/person-figures.js';
import type { TeamRollup } from '../../domain/figures/team-figures.js';

/** What the goal-chain services share. Built once in handlers/goals.ts. */
export interface GoalDeps {
  goals: GoalRepository;
  quarters: QuarterRepository;
  people: PeopleRepository;
  finder: PeopleFinder;
  org: OrgSync;
  messenger: Messenger;
  templates: CardTemplates;
  audit: AuditRepository;
  clock: Clock;
  timeZone: string;
  logger: Logger;
  /** The person's quarter figures as of now (the weekly report's one computation), or null without a quarter. */
  figures?: (personId: string) => Promise<PersonQuarterFigures | null>;
  /** A manager's team roll-up as of now (the team summary's), or null without a team or a quarter. */
  teamRollup?: (managerId: string) => Promise<TeamRollup | null>;
  /** vega-lite spec → PNG, off the event loop (the render pool in production). */
  renderPng: (spec: TopLevelSpec) => Promise<Buffer>;
}
