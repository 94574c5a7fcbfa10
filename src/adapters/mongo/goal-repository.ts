import type { GoalStatus } from '../../domain/goals/alignment.js';
import type { Target } from '../../domain/goals/goal-form.js';
import { isDuplicateKeyError } from '../../errors.js';
import type { AuditRepository } from './audit-repository.js';
import type { Models } from './models/index.js';

export interface StoredFinding {
  code: string;
  message: string;
  messageEn: string;
  severity: 'red' | 'amber';
}

/** Everything about a goal that a version captures. */
export interface GoalState {
  targets: Target[];
  industries: string[];
  keyAccounts: string[];
  plan: string;
  objective: string;
  keyResults: string[];
  status: GoalStatus;
  managerId: string | null;
  alignment: { status: 'green' | 'red' | 'unknown'; findings: StoredFinding[]; checkedAt: Date | null };
  submittedAt: Date | null;
  decidedAt: Date | null;
  decidedBy: string | null;
  decisionComment: string;
}

export interface Goal extends GoalState {
  quarterId: string;
  ownerId: string;
  version: number;
  cardOutTrackId: string | null;
  approvalOutTrackId: string | null;
  /** When the person first opened the goal card (the draft's creation). */
  openedAt: Date | null;
}

export type ChangeResult = { ok: true; goal: Goal } | { ok: false; reason: 'stale'; current: Goal | null };

export const goalKey = (quarterId: string, ownerId: string) => `${quarterId}:${ownerId}`;
const revisionId = (quarterId: string, ownerId: string, version: number) => `${goalKey(quarterId, ownerId)}:v${version}`;

const STATE_KEYS = ['targets', 'industries', 'keyAccounts', 'plan', 'objective', 'keyResults', 'status', 'managerId', 'alignment', 'submittedAt', 'decidedAt', 'decidedBy', 'decisionComment'] as const;

export function emptyState(managerId: string | null): GoalState {
  return {
    targets: [],
    industries: [],
    keyAccounts: [],
    plan: '',
    objective: '',
    keyResults: [],
    status: 'draft',
    managerId,
    alignment: { status: 'unknown', findings: [], checkedAt: null },
    submittedAt: null,
    decidedAt: null,
    decidedBy: null,
    decisionComment: '',
  };
}

/**
 * Goals with their version history. A change is claimed by inserting the next revision (unique _id); the
 * goal document is then brought up to it. A crash in between is repaired on the next read.
 */
export class GoalRepository {
  constructor(
    private readonly m: Pick<Models, 'Goal' | 'GoalRevision'>,
    private readonly audit: AuditRepository,
    private readonly now: () => Date,
  ) {}

  async get(quarterId: string, ownerId: string): Promise<Goal | null> {
    const [doc, latest] = await Promise.all([
      this.m.Goal.findOne({ quarterId, ownerId }).lean(),
      this.m.GoalRevision.findOne({ quarterId, ownerId }).sort({ version: -1 }).lean(),
    ]);
    if (latest && (!doc || latest.version > (doc.version ?? 0))) {
      const state = latest.state as GoalState;
      await this.m.Goal.updateOne(
        { quarterId, ownerId, version: { $lt: latest.version } },
        { $set: { ...pickState(state), version: latest.version } },
        { upsert: !doc },
      ).catch((err: unknown) => {
        if (!isDuplicateKeyError(err)) throw err; // another reader caught it up first
      });
      return this.read(quarterId, ownerId);
    }
    return doc ? goalOf(doc) : null;
  }

  /** The person's goal for the quarter, created as an empty draft (version 1) when there is none. */
  async open(quarterId: string, ownerId: string, managerId: string | null, actorId: string): Promise<Goal> {
    const existing = await this.get(quarterId, ownerId);
    if (existing) return existing;
    const state = emptyState(managerId);
    await this.insertRevision(quarterId, ownerId, 1, 'created', actorId, state).catch((err: unknown) => {
      if (!isDuplicateKeyError(err)) throw err;
    });
    const goal = await this.get(quarterId, ownerId);
    if (!goal) throw new Error(`goal ${goalKey(quarterId, ownerId)} missing after create`);
    return goal;
  }

  /** Moves `goal` to `next` as version goal.version + 1; stale when someone else changed it first. */
  async change(goal: Goal, next: GoalState, meta: { actorId: string; action: string; note?: string }): Promise<ChangeResult> {
    const version = goal.version + 1;
    try {
      await this.insertRevision(goal.quarterId, goal.ownerId, version, meta.action, meta.actorId, next);
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      return { ok: false, reason: 'stale', current: await this.get(goal.quarterId, goal.ownerId) };
    }
    await this.m.Goal.updateOne({ quarterId: goal.quarterId, ownerId: goal.ownerId, version: { $lt: version } }, { $set: { ...pickState(next), version } });
    await this.audit.record({
      actorId: meta.actorId,
      action: `goal.${meta.action}`,
      entity: 'goal',
      entityId: goalKey(goal.quarterId, goal.ownerId),
      before: { version: goal.version, ...auditView(goal) },
      after: { version, ...auditView(next) },
      ...(meta.note ? { note: meta.note } : {}),
    });
    return { ok: true, goal: { ...goal, ...next, version } };
  }

  /** Which cards show this goal: metadata, not a new version. */
  async setCards(goal: Pick<Goal, 'quarterId' | 'ownerId'>, ids: { cardOutTrackId?: string; approvalOutTrackId?: string }): Promise<void> {
    await this.m.Goal.updateOne({ quarterId: goal.quarterId, ownerId: goal.ownerId }, { $set: ids });
  }

  /** Alignment is derived (it moves when teammates or the manager change their goals), so not a version. */
  async setAlignment(goal: Pick<Goal, 'quarterId' | 'ownerId'>, alignment: GoalState['alignment']): Promise<void> {
    await this.m.Goal.updateOne({ quarterId: goal.quarterId, ownerId: goal.ownerId }, { $set: { alignment } });
  }

  async forOwners(quarterId: string, ownerIds: readonly string[]): Promise<Goal[]> {
    const docs = await this.m.Goal.find({ quarterId, ownerId: { $in: ownerIds } }).lean();
    return docs.map(goalOf);
  }

  /**
   * The edition people see ("第 2 版"): how many times the content was submitted. The internal version
   * also moves on opening the card and on every decision (it is the card's staleness token), so showing
   * it read "第 5 版" after one resubmit (12.8).
   */
  async edition(quarterId: string, ownerId: string): Promise<number> {
    const n = await this.m.GoalRevision.countDocuments({ quarterId, ownerId, action: { $in: ['submitted', 'resubmitted', 'reopened'] } });
    return Math.max(1, n);
  }

  async revisions(quarterId: string, ownerId: string) {
    return this.m.GoalRevision.find({ quarterId, ownerId }).sort({ version: 1 }).lean();
  }

  private async insertRevision(quarterId: string, ownerId: string, version: number, action: string, actorId: string, state: GoalState): Promise<void> {
    await this.m.GoalRevision.create({ _id: revisionId(quarterId, ownerId, version), quarterId, ownerId, version, action, actorId, at: this.now(), state: pickState(state) });
  }

  private async read(quarterId: string, ownerId: string): Promise<Goal | null> {
    const doc = await this.m.Goal.findOne({ quarterId, ownerId }).lean();
    return doc ? goalOf(doc) : null;
  }
}

function pickState(s: GoalState): GoalState {
  const out = {} as Record<string, unknown>;
  for (const k of STATE_KEYS) out[k] = s[k];
  return out as unknown as GoalState;
}

/** What the audit log shows as before → after: what the person and the approver decided, not derived data. */
function auditView(s: GoalState) {
  return {
    status: s.status,
    targets: s.targets,
    industries: s.industries,
    keyAccounts: s.keyAccounts,
    plan: s.plan,
    objective: s.objective,
    keyResults: s.keyResults,
    decisionComment: s.decisionComment,
  };
}

/** A lean goal document → Goal, with defaults for fields older documents may lack. */
export function goalOf(doc: object): Goal {
  const d = doc as Record<string, unknown> & { alignment?: { status?: string; findings?: StoredFinding[]; checkedAt?: Date | null } };
  const str = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : '');
  const arr = (k: string) => (Array.isArray(d[k]) ? (d[k] as string[]).map(String) : []);
  const date = (k: string) => (d[k] instanceof Date ? (d[k] as Date) : null);
  return {
    quarterId: str('quarterId'),
    ownerId: str('ownerId'),
    version: typeof d.version === 'number' ? d.version : 1,
    targets: Array.isArray(d.targets) ? (d.targets as Target[]).map((t) => ({ metric: t.metric, value: t.value })) : [],
    industries: arr('industries'),
    keyAccounts: arr('keyAccounts'),
    plan: str('plan'),
    objective: str('objective'),
    keyResults: arr('keyResults'),
    status: (str('status') || 'draft') as GoalStatus,
    managerId: typeof d.managerId === 'string' ? d.managerId : null,
    alignment: {
      status: (d.alignment?.status ?? 'unknown') as GoalState['alignment']['status'],
      findings: (d.alignment?.findings ?? []).map((f) => ({ code: f.code, message: f.message, messageEn: f.messageEn ?? '', severity: f.severity })),
      checkedAt: d.alignment?.checkedAt ?? null,
    },
    submittedAt: date('submittedAt'),
    decidedAt: date('decidedAt'),
    decidedBy: typeof d.decidedBy === 'string' ? d.decidedBy : null,
    decisionComment: str('decisionComment'),
    cardOutTrackId: typeof d.cardOutTrackId === 'string' ? d.cardOutTrackId : null,
    approvalOutTrackId: typeof d.approvalOutTrackId === 'string' ? d.approvalOutTrackId : null,
    openedAt: date('createdAt'),
  };
}
