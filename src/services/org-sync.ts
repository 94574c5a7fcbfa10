import type { AnyBulkWriteOperation } from 'mongoose';
import type { AuditRepository } from '../adapters/mongo/audit-repository.js';
import type { Models } from '../adapters/mongo/models/index.js';
import type { Person } from '../adapters/mongo/people-repository.js';
import type { DingTalkOrgSource } from '../adapters/dingtalk/org-source.js';
import type { Clock } from '../clock.js';
import type { Role } from '../domain/org/access.js';
import { deriveRole, planOrgSync, resolveManager, type KnownPerson, type ManagerSpan } from '../domain/org/sync-plan.js';
import type { Logger } from '../logger.js';

export interface SyncReport {
  users: number;
  added: number;
  updated: number;
  managerChanges: Array<{ id: string; from: string | null; to: string | null }>;
  deactivated: string[];
  /** Why deactivations were skipped this run, if they were. */
  deactivationBlocked: string | undefined;
  ms: number;
}

export interface OrgSyncOptions {
  models: Pick<Models, 'Person'>;
  source: Pick<DingTalkOrgSource, 'snapshot' | 'one'>;
  /** HR_USER_IDS (plus, in local mode, the stand-in's HR). */
  hrUserIds: readonly string[];
  audit: AuditRepository;
  clock: Clock;
  logger: Logger;
}

const CHUNK = 500;

/**
 * Keeps `people` in step with DingTalk: the scheduled job and HR's 同步组织 call run(); people who write
 * to the bot before the first sync (or who joined since the last) are fetched one by one by ensurePerson().
 */
export class OrgSync {
  private running: Promise<SyncReport> | undefined;
  private readonly listeners: Array<(report: SyncReport) => Promise<void>> = [];

  constructor(private readonly o: OrgSyncOptions) {}

  get hrUserIds(): readonly string[] {
    return this.o.hrUserIds;
  }

  isHr(p: Pick<Person, '_id' | 'role'>): boolean {
    return p.role === 'hr' || this.o.hrUserIds.includes(p._id);
  }

  /** Effective role now: the configured HR list wins over what the last sync stored. */
  roleOf(p: Pick<Person, '_id' | 'role'>): Role {
    return this.isHr(p) ? 'hr' : (p.role as Role);
  }

  /** Called after every sync (e.g. to send pending approvals to people's new managers). */
  onSynced(listener: (report: SyncReport) => Promise<void>): void {
    this.listeners.push(listener);
  }

  /** One sync at a time per process; a second caller waits for the running one. */
  run(actorId = 'system'): Promise<SyncReport> {
    this.running ??= this.runOnce(actorId).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runOnce(actorId: string): Promise<SyncReport> {
    const started = Date.now();
    const log = this.o.logger.child({ component: 'org-sync' });
    const snapshot = await this.o.source.snapshot();
    const docs = await this.o.models.Person.find(
      {},
      { _id: 1, managerId: 1, isActive: 1, hrAssigned: 1, source: 1, managerHistory: 1, name: 1, title: 1, deptIds: 1, deptNames: 1, role: 1, leftAt: 1, email: 1, jobNumber: 1 },
    ).lean();
    const before = new Map(docs.map((p) => [String(p._id), p as unknown as Record<string, unknown>]));
    const existing = docs.map(
      (p): KnownPerson => ({
        id: String(p._id),
        managerId: p.managerId ?? null,
        isActive: p.isActive ?? true,
        hrAssigned: p.hrAssigned ?? false,
        source: p.source ?? 'dingtalk',
        managerHistory: (p.managerHistory ?? []).map((s) => ({ managerId: s.managerId ?? null, from: s.from, to: s.to ?? null })),
      }),
    );
    const now = this.o.clock.now();
    const plan = planOrgSync(snapshot, existing, { now, hrUserIds: this.o.hrUserIds });
    if (plan.deactivationBlocked) log.warn({ reason: plan.deactivationBlocked }, 'org sync: deactivations skipped');

    const ops: Array<AnyBulkWriteOperation> = plan.writes.map((w) =>
      w.isNew
        ? {
            updateOne: {
              filter: { _id: w.id },
              update: { $set: { ...w.fields, syncedAt: now, source: 'dingtalk' }, $setOnInsert: { managerHistory: w.managerHistory, hrAssigned: false, lang: 'zh' } },
              upsert: true,
            },
          }
        : {
            // Guarded by the manager we planned from, so a concurrent sync can't append the same change twice.
            updateOne: { filter: { _id: w.id, managerId: w.expectedManagerId ?? null }, update: { $set: { ...w.fields, managerHistory: w.managerHistory, syncedAt: now } } },
          },
    );
    for (const d of plan.deactivations) {
      ops.push({ updateOne: { filter: { _id: d.id, isActive: true }, update: { $set: { isActive: false, leftAt: now, managerHistory: d.managerHistory, syncedAt: now } } } });
    }
    for (let i = 0; i < ops.length; i += CHUNK) await this.o.models.Person.bulkWrite(ops.slice(i, i + CHUNK), { ordered: false });

    for (const c of plan.managerChanges) {
      await this.o.audit.record({ actorId, action: 'person.manager_changed', entity: 'person', entityId: c.id, before: { managerId: c.from }, after: { managerId: c.to } });
    }
    for (const d of plan.deactivations) {
      await this.o.audit.record({ actorId, action: 'person.deactivated', entity: 'person', entityId: d.id, before: { isActive: true }, after: { isActive: false, leftAt: now } });
    }
    const report: SyncReport = {
      users: snapshot.users.length,
      added: plan.writes.filter((w) => w.isNew).length,
      // Only people whose stored fields actually change (12.8: "更新 62" when nothing changed).
      updated: plan.writes.filter((w) => !w.isNew && changedFields(before.get(w.id), w.fields, w.managerChanged)).length,
      managerChanges: plan.managerChanges,
      deactivated: plan.deactivations.map((d) => d.id),
      deactivationBlocked: plan.deactivationBlocked,
      ms: Date.now() - started,
    };
    await this.o.audit.record({ actorId, action: 'org.sync', entity: 'org', entityId: 'dingtalk', after: { ...report, managerChanges: report.managerChanges.length } });
    log.info({ ...report, managerChanges: report.managerChanges.length, deactivated: report.deactivated.length }, 'org sync done');
    for (const l of this.listeners) {
      // The sync itself succeeded; a follow-up failing must not make it look failed.
      await l(report).catch((err: unknown) => log.error({ err }, 'org sync follow-up failed'));
    }
    return report;
  }

  /**
   * The person, fetching them from DingTalk when the bot has not seen them yet. Their role is provisional
   * (hr / dept leader / rep) until the next full sync sees who reports to whom.
   */
  async ensurePerson(userId: string): Promise<Person | null> {
    const found = (await this.o.models.Person.findById(userId).lean()) as Person | null;
    if (found) return found;
    const one = await this.o.source.one(userId);
    if (!one) return null;
    const depts = new Map(one.depts.map((d) => [d.deptId, d]));
    const managerId = resolveManager(one.user, depts, () => true);
    const now = this.o.clock.now();
    const role = deriveRole({ hr: this.o.hrUserIds.includes(userId), hasReports: false, leadsDept: one.user.leaderInDepts.length > 0 });
    const history: ManagerSpan[] = [{ managerId, from: now, to: null }];
    await this.o.models.Person.updateOne(
      { _id: userId },
      {
        $setOnInsert: {
          name: one.user.name,
          title: one.user.title,
          deptIds: one.user.deptIds,
          deptNames: one.user.deptIds.map((d) => depts.get(d)?.name ?? String(d)),
          managerId,
          role,
          isActive: true,
          leftAt: null,
          email: one.user.email,
          jobNumber: one.user.jobNumber,
          managerHistory: history,
          syncedAt: now,
          source: 'dingtalk',
        },
      },
      { upsert: true },
    );
    this.o.logger.info({ userId, managerId, role }, 'person fetched on first contact');
    return (await this.o.models.Person.findById(userId).lean()) as Person | null;
  }

  /** Proactive messages and cards go out in the language the person last wrote in. */
  async rememberLang(userId: string, lang: 'zh' | 'en'): Promise<void> {
    await this.o.models.Person.updateOne({ _id: userId, lang: { $ne: lang } }, { $set: { lang } });
  }

  /** HR grants or removes the hr role in chat; it survives syncs (hrAssigned) and is audit-logged. */
  async assignHr(actorId: string, person: Person, on: boolean): Promise<Role> {
    const hasReports = (await this.o.models.Person.countDocuments({ managerId: person._id, isActive: true })) > 0;
    const role = deriveRole({ hr: on || this.o.hrUserIds.includes(person._id), hasReports, leadsDept: false });
    await this.o.models.Person.updateOne({ _id: person._id }, { $set: { hrAssigned: on, role } });
    await this.o.audit.record({ actorId, action: on ? 'person.hr_granted' : 'person.hr_revoked', entity: 'person', entityId: person._id, before: { role: person.role }, after: { role } });
    return role;
  }
}

/** Whether writing `fields` changes what is stored (missing and null/undefined count as the same). */
function changedFields(doc: Record<string, unknown> | undefined, fields: Record<string, unknown>, managerChanged: boolean): boolean {
  if (!doc || managerChanged) return true;
  const norm = (v: unknown) => JSON.stringify(v ?? null);
  return Object.entries(fields).some(([k, v]) => norm(doc[k] ?? (k === 'isActive' ? true : null)) !== norm(v));
}
