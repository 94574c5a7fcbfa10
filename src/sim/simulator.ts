/**
 * Everything behind the simulator page (local mode only): who you can be, the chats you see, cards with
 * their templates, clicks through the real card-callback path, the outbox and the clock.
 */
import { EventEmitter } from 'node:events';
import type { CardTemplates } from '../adapters/cards/template-store.js';
import type { Models } from '../adapters/mongo/models/index.js';
import type { Clock } from '../clock.js';
import type { DemoLoad } from '../demo/load-demo.js';
import type { CardTemplate } from '../domain/cards/card-template.js';
import type { FakeDingTalk } from '../fake-dingtalk/fake-dingtalk.js';
import { clickCard } from '../fake-dingtalk/people.js';
import type { Logger } from '../logger.js';
import { SimCardCatalog } from './card-catalog.js';
import { clockPresets, type ClockPreset, type QuarterTimes } from './clock-presets.js';
import type { WorkingCalendar } from '../domain/time/working-days.js';
import { simDirectory, type SimPerson } from './directory.js';
import { SimAccessError, SimError } from './errors.js';
import { SimChat } from './sim-chat.js';
import type { JumpReport, TimeTravel } from './time-travel.js';

export interface SimulatorDeps {
  fake: FakeDingTalk;
  clock: Clock;
  /** Undefined when the service's clock can't be moved (a fixed clock in a test). */
  timeTravel: TimeTravel | undefined;
  templates: CardTemplates;
  models: Models;
  timeZone: string;
  hrUserIds: readonly string[];
  demo: DemoLoad | undefined;
  logger: Logger;
  /** The company's working days: the report preset lands where the report really goes (holiday weeks). */
  calendar?: () => Promise<WorkingCalendar>;
}

export interface SimCardView {
  outTrackId: string;
  templateId: string;
  /** The template's layout, or undefined if no template has that id (the page shows the raw data). */
  template: CardTemplate | undefined;
  /** cardParamMap with the viewer's privateData on top: what this person's card shows. */
  data: Record<string, string>;
  updates: number;
}

export interface ClockState {
  now: string;
  zone: string;
  /** Simulated minus real time, ms. */
  offsetMs: number;
  movable: boolean;
  presets: ClockPreset[];
  quarterId: string | undefined;
}

export class Simulator extends EventEmitter {
  readonly chat: SimChat;
  readonly catalog: SimCardCatalog;

  constructor(private readonly deps: SimulatorDeps) {
    super();
    this.setMaxListeners(0);
    this.chat = new SimChat(deps.fake, deps.clock);
    this.catalog = new SimCardCatalog(deps.templates);
  }

  close(): void {
    this.chat.close();
    this.removeAllListeners();
  }

  get fake(): FakeDingTalk {
    return this.deps.fake;
  }

  people(): SimPerson[] {
    return simDirectory(this.deps.fake.org, this.deps.hrUserIds, this.deps.demo?.company.manifest);
  }

  demoStatus(): { loaded: boolean; repsDone: number; repsTotal: number; error?: string; seed?: number; size?: number } {
    const d = this.deps.demo;
    if (!d) return { loaded: true, repsDone: 0, repsTotal: 0 };
    const p = d.progress();
    return { loaded: p.done, repsDone: p.repsDone, repsTotal: p.repsTotal, seed: d.company.seed, size: d.company.size, ...(p.error ? { error: p.error } : {}) };
  }

  card(userId: string, outTrackId: string): SimCardView {
    const card = this.deps.fake.outbox.cards.get(outTrackId);
    if (!card || !this.chat.cardVisibleTo(userId, card)) throw new SimAccessError(`no card ${outTrackId} for ${userId}`);
    return {
      outTrackId,
      templateId: card.templateId,
      template: this.catalog.byTemplateId(card.templateId),
      data: { ...card.cardParamMap, ...(card.privateData[userId] ?? {}) },
      updates: card.updates,
    };
  }

  /** A press of a card button by `userId`: the same callback frame DingTalk pushes over the stream. */
  clickCard(userId: string, outTrackId: string, params: Record<string, unknown>): { messageId: string } {
    const card = this.deps.fake.outbox.cards.get(outTrackId);
    if (!card || !this.chat.cardVisibleTo(userId, card)) throw new SimAccessError(`no card ${outTrackId} for ${userId}`);
    return clickCard(this.deps.fake, { outTrackId, userId, params });
  }

  async clockState(): Promise<ClockState> {
    const now = this.deps.clock.now();
    const q = await this.quarterAt(now);
    return {
      now: now.toISOString(),
      zone: this.deps.timeZone,
      offsetMs: now.getTime() - Date.now(),
      movable: this.deps.timeTravel !== undefined,
      presets: clockPresets(now, this.deps.timeZone, q, await this.deps.calendar?.()),
      quarterId: q?.id,
    };
  }

  /** Jumps to a preset or an instant (or back to real time); runs the jobs that fell due. */
  async moveClock(req: { preset?: string; to?: string; reset?: boolean }): Promise<{ report: JumpReport | undefined; clock: ClockState }> {
    const tt = this.deps.timeTravel;
    if (!tt) throw new SimError(409, 'this service runs on a fixed clock; time travel is off');
    let report: JumpReport | undefined;
    if (req.reset) {
      tt.reset();
    } else {
      let target: Date | undefined;
      if (req.preset) {
        const p = (await this.clockState()).presets.find((x) => x.key === req.preset);
        if (!p) throw new SimError(400, `no clock preset ${req.preset}`);
        if (!p.at) throw new SimError(409, p.note);
        target = new Date(p.at);
      } else if (req.to) {
        target = new Date(req.to);
        if (Number.isNaN(target.getTime())) throw new SimError(400, `not a time: ${req.to}`);
      }
      if (!target) throw new SimError(400, 'give {"preset"}, {"to"} or {"reset": true}');
      report = await tt.jumpTo(target);
    }
    const clock = await this.clockState();
    this.emit('clock', { clock, report });
    return { report, clock };
  }

  /** The quarter as stored (HR may have changed it), else the demo company's while it is still loading. */
  private async quarterAt(now: Date): Promise<(QuarterTimes & { id: string }) | undefined> {
    const q = await this.deps.models.Quarter.findOne({ startDate: { $lte: now }, endDate: { $gt: now } }).lean();
    if (q) return { id: q._id, reviewAt: q.reviewAt, endDate: q.endDate, reportSchedule: { weekday: q.reportSchedule?.weekday ?? 5, time: q.reportSchedule?.time ?? '17:00' } };
    const demo = this.deps.demo?.company.quarter;
    if (demo && demo.startDate <= now && now < demo.endDate) return { id: demo._id, reviewAt: demo.reviewAt, endDate: demo.endDate, reportSchedule: demo.reportSchedule };
    return undefined;
  }
}
