import { isDuplicateKeyError } from '../../errors.js';
import type { PeerStats } from '../../domain/report/peers.js';
import type { Models } from './models/index.js';
import type { ReportRunDoc } from './models/report-run.model.js';

export type ReportScope = { kind: 'all'; id: null } | { kind: 'person'; id: string } | { kind: 'team'; id: string };

export type ReportRun = Omit<ReportRunDoc, 'scope' | 'peers'> & { _id: string; scope: ReportScope; peers: PeerStats | null };

export interface RunCounts {
  recipients: number;
  sent: number;
  alreadySent: number;
  inFlight: number;
  failed: number;
}

/**
 * Report runs and their leases. A lease is a conditional update on one document (holder + heartbeat); it
 * only keeps two instances from doing the same work at once. Exactly-once delivery never depends on it:
 * that is the delivery ledger's unique inserts.
 */
export class ReportRunRepository {
  constructor(
    private readonly m: Pick<Models, 'ReportRun'>,
    private readonly instanceId: string,
    private readonly now: () => Date,
  ) {}

  /** Creates the run unless it exists; true when this call created it. */
  async createIfMissing(run: { _id: string; kind: 'scheduled' | 'manual'; quarterId: string; week: string; asOf: Date; scope: ReportScope; requestedBy?: string | null }): Promise<boolean> {
    try {
      await this.m.ReportRun.create({ ...run, requestedBy: run.requestedBy ?? null, status: 'pending' });
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  async get(id: string): Promise<ReportRun | null> {
    return (await this.m.ReportRun.findById(id).lean()) as ReportRun | null;
  }

  /** Runs that need work now: new or re-check due, held by a holder that went silent, or failed sends to retry. */
  async due(leaseMs: number): Promise<ReportRun[]> {
    const now = this.now();
    const stale = new Date(now.getTime() - leaseMs);
    return (await this.m.ReportRun.find({
      $or: [
        { status: 'pending', $or: [{ nextRetryAt: null }, { nextRetryAt: { $lte: now } }] },
        { status: 'running', heartbeatAt: { $lt: stale } },
        { status: 'done', nextRetryAt: { $lte: now } },
      ],
    })
      .sort({ createdAt: 1 })
      .lean()) as ReportRun[];
  }

  /** Takes the run unless a live holder has it. */
  async acquire(id: string, leaseMs: number): Promise<boolean> {
    const now = this.now();
    const res = await this.m.ReportRun.updateOne(
      { _id: id, $or: [{ heldBy: null }, { heldBy: this.instanceId }, { heartbeatAt: { $lt: new Date(now.getTime() - leaseMs) } }] },
      { $set: { heldBy: this.instanceId, heartbeatAt: now, status: 'running' }, $inc: { passes: 1 } },
    );
    if (res.modifiedCount !== 1) return false;
    const doc = await this.m.ReportRun.findById(id, { heldBy: 1 }).lean();
    return doc?.heldBy === this.instanceId;
  }

  /** Renews the lease; false when someone else has taken the run meanwhile (then stop working on it). */
  async heartbeat(id: string): Promise<boolean> {
    const res = await this.m.ReportRun.updateOne({ _id: id, heldBy: this.instanceId }, { $set: { heartbeatAt: this.now() } });
    return res.matchedCount === 1;
  }

  async setPeers(id: string, peers: PeerStats): Promise<void> {
    await this.m.ReportRun.updateOne({ _id: id, peers: null }, { $set: { peers, startedAt: this.now() } });
  }

  /** Ends this pass: done (maybe with a retry time for failed sends) or pending again (re-check later). */
  async finishPass(id: string, counts: RunCounts, next: { status: 'done' | 'pending'; nextRetryAt: Date | null }): Promise<void> {
    await this.m.ReportRun.updateOne(
      { _id: id, heldBy: this.instanceId },
      { $set: { status: next.status, counts, nextRetryAt: next.nextRetryAt, heldBy: null, heartbeatAt: null, finishedAt: this.now() } },
    );
  }

  /** Gives the run back unfinished: at once for the next tick anywhere (shutdown), or from `retryAt` (an error). */
  async release(id: string, retryAt: Date | null = null): Promise<void> {
    await this.m.ReportRun.updateOne({ _id: id, heldBy: this.instanceId }, { $set: { status: 'pending', heldBy: null, heartbeatAt: null, nextRetryAt: retryAt } });
  }

  /**
   * Cards this run sent over all its passes, as the delivery ledger counts them (each card records the run
   * that sent it), so a pass that crashed before reporting its counts is still included.
   */
  async setSentTotal(id: string, sentTotal: number): Promise<void> {
    await this.m.ReportRun.updateOne({ _id: id }, { $set: { sentTotal } });
  }

  /** The newest run of a week that has peer figures (what "open this rep's report" compares against). */
  async latestOfWeek(week: string): Promise<ReportRun | null> {
    return (await this.m.ReportRun.findOne({ week, peers: { $ne: null } }).sort({ kind: -1, createdAt: 1 }).lean()) as ReportRun | null;
  }

  /** Weeks of runs created since `since`: the failed-recipients gauge covers these. */
  async recentWeeks(since: Date): Promise<string[]> {
    return (await this.m.ReportRun.distinct('week', { createdAt: { $gte: since } })).map(String);
  }
}
