import { evaluationContext, typeAliases, type ActivityTypeDef } from '../../domain/activity/rules/context.js';
import { ruleSetSchema, type EvaluationContext, type RuleSet } from '../../domain/activity/rules/rule-model.js';
import { parseRules, type RuleParseError } from '../../domain/activity/rules/rule-parser.js';
import { isDuplicateKeyError } from '../../errors.js';
import type { Models } from './models/index.js';

export interface CurrentRules {
  quarterId: string;
  /** 0 = the configured default (HR has not set rules for this quarter yet). */
  version: number;
  text: string;
  rules: RuleSet;
  createdBy?: string;
  createdAt?: Date;
}

export type SaveResult =
  | { ok: true; version: number; previous: CurrentRules; rules: RuleSet; unknownTypes: string[] }
  | { ok: false; errors: RuleParseError[] }
  | { ok: false; conflict: true };

const CACHE_MS = 5000;

/**
 * Validity rules per quarter, versioned (see activity-rule-set.model.ts for why a collection of versions
 * and not a field on the Quarter). Rules HR never set fall back to the configured default.
 */
export class RuleStore {
  private readonly cache = new Map<string, { at: number; ctx: EvaluationContext; current: CurrentRules }>();

  constructor(
    private readonly m: Pick<Models, 'ActivityRuleSet' | 'Quarter'>,
    private readonly defaults: { text: string; rules: RuleSet },
    private readonly now: () => Date,
  ) {}

  async current(quarterId: string): Promise<CurrentRules> {
    const doc = await this.m.ActivityRuleSet.findOne({ quarterId }).sort({ version: -1 }).lean();
    if (!doc) return { quarterId, version: 0, text: this.defaults.text, rules: this.defaults.rules };
    return { quarterId, version: doc.version, text: doc.text, rules: ruleSetSchema.parse(doc.rules), createdBy: doc.createdBy, createdAt: doc.createdAt };
  }

  /** The version now in the database (uncached): writers compare it after a batch to catch a rule change mid-way. */
  async versionNow(quarterId: string): Promise<number> {
    const doc = await this.m.ActivityRuleSet.findOne({ quarterId }, { version: 1 }).sort({ version: -1 }).lean();
    return doc?.version ?? 0;
  }

  /** Evaluation context for a quarter, cached briefly: bulk ingest asks for it once per batch. */
  async context(quarterId: string, opts: { fresh?: boolean } = {}): Promise<{ ctx: EvaluationContext; current: CurrentRules }> {
    const hit = this.cache.get(quarterId);
    if (hit && !opts.fresh && Date.now() - hit.at < CACHE_MS) return hit;
    const current = await this.current(quarterId);
    const ctx = evaluationContext(current.rules, current.version, await this.quarterTypes(quarterId));
    const entry = { at: Date.now(), ctx, current };
    this.cache.set(quarterId, entry);
    return entry;
  }

  async aliases(quarterId: string): Promise<Map<string, string>> {
    return typeAliases(await this.quarterTypes(quarterId));
  }

  /** Parses and stores a new version; a concurrent save of the same version is reported, not lost. */
  async save(quarterId: string, text: string, by: string): Promise<SaveResult> {
    const types = await this.quarterTypes(quarterId);
    const parsed = parseRules(text, typeAliases(types));
    if (!parsed.ok) return { ok: false, errors: parsed.errors };
    const previous = await this.current(quarterId);
    const version = previous.version + 1;
    try {
      await this.m.ActivityRuleSet.create({ quarterId, version, text: text.trim(), rules: parsed.rules, createdBy: by, createdAt: this.now() });
    } catch (err) {
      if (isDuplicateKeyError(err)) return { ok: false, conflict: true };
      throw err;
    }
    this.cache.delete(quarterId);
    const tracked = new Set(evaluationContext(parsed.rules, version, types).trackedTypes);
    return { ok: true, version, previous, rules: parsed.rules, unknownTypes: parsed.rules.rules.map((r) => r.type).filter((t) => !tracked.has(t)) };
  }

  async history(quarterId: string, limit = 10) {
    return this.m.ActivityRuleSet.find({ quarterId }).sort({ version: -1 }).limit(limit).lean();
  }

  /** The quarter's own activity types when HR configured them (issue 3's Quarter document), else none. */
  private async quarterTypes(quarterId: string): Promise<ActivityTypeDef[]> {
    const q = await this.m.Quarter.findById(quarterId, { activityTypes: 1 }).lean();
    return (q?.activityTypes ?? []).map((t) => ({ key: t.key, name: t.name, nameEn: t.nameEn ?? null }));
  }
}
