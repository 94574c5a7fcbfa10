import type { AnyBulkWriteOperation, Document, ObjectId } from 'mongodb';
import { factsOf } from '../../domain/activity/normalize.js';
import { evaluate } from '../../domain/activity/rules/evaluate.js';
import type { Models } from '../../adapters/mongo/models/index.js';
import type { RuleStore } from '../../adapters/mongo/rule-store.js';

export interface ReevaluationResult {
  quarterId: string;
  version: number;
  scanned: number;
  changed: number;
  countedBefore: number;
  countedAfter: number;
}

const BATCH = 1000;

/**
 * Judges every activity of a quarter again with its current rules (after HR changed them, or the
 * quarter's types). Streams the quarter; rewrites only verdicts that changed, and stamps the rule version
 * on the rest in one update per batch. Safe to run twice or to restart: it converges.
 */
export class Reevaluator {
  constructor(
    private readonly m: Pick<Models, 'Activity'>,
    private readonly rules: RuleStore,
    /** Stamps updatedAt on changed verdicts, so readers syncing by updatedAt (/api/v1) see them. */
    private readonly now: () => Date = () => new Date(),
  ) {}

  async quarter(quarterId: string, onProgress?: (scanned: number) => void): Promise<ReevaluationResult> {
    // Fresh, not the cached context: this run exists because the rules just changed (maybe on another instance).
    const { ctx } = await this.rules.context(quarterId, { fresh: true });
    const result: ReevaluationResult = { quarterId, version: ctx.version, scanned: 0, changed: 0, countedBefore: 0, countedAfter: 0 };
    const cursor = this.m.Activity.collection.find(
      { quarterId },
      { projection: { type: 1, source: 1, durationMin: 1, location: 1, customerLocation: 1, completed: 1, deleted: 1, mergedInto: 1, evidence: 1, appealOverride: 1, counted: 1, reasons: 1, ruleVersion: 1 }, batchSize: BATCH },
    );
    let ops: AnyBulkWriteOperation<Document>[] = [];
    let stampOnly: ObjectId[] = [];
    const flush = async () => {
      if (stampOnly.length) ops.push({ updateMany: { filter: { _id: { $in: stampOnly } }, update: { $set: { ruleVersion: ctx.version } } } });
      if (ops.length) await this.m.Activity.collection.bulkWrite(ops, { ordered: false });
      ops = [];
      stampOnly = [];
    };
    for await (const raw of cursor) {
      const d = raw as unknown as Parameters<typeof factsOf>[0] & { _id: ObjectId; counted?: boolean; reasons?: string[]; ruleVersion?: number };
      const v = evaluate(factsOf(d), ctx);
      result.scanned++;
      if (d.counted) result.countedBefore++;
      if (v.counted) result.countedAfter++;
      if (d.counted !== v.counted || JSON.stringify(d.reasons ?? []) !== JSON.stringify(v.reasons)) {
        ops.push({ updateOne: { filter: { _id: d._id }, update: { $set: { counted: v.counted, reasons: v.reasons, ruleVersion: ctx.version, updatedAt: this.now() } } } });
        result.changed++;
      } else if (d.ruleVersion !== ctx.version) stampOnly.push(d._id);
      if (ops.length + stampOnly.length >= BATCH) {
        await flush();
        onProgress?.(result.scanned);
      }
    }
    await flush();
    return result;
  }
}
