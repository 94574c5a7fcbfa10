import { CONTEXT_TYPES, DEFAULT_ACTIVITY_TYPES, type EvaluationContext, type RuleSet } from './rule-model.js';

export interface ActivityTypeDef {
  key: string;
  name: string;
  nameEn?: string | null;
}

/**
 * Evaluation context for a quarter: its rules, and its tracked types (the quarter's own list when HR set
 * one, else the built-in five). Types outside the list are stored but never counted.
 */
export function evaluationContext(rules: RuleSet, version: number, quarterTypes: readonly ActivityTypeDef[] = []): EvaluationContext {
  const tracked = quarterTypes.length > 0 ? quarterTypes : DEFAULT_ACTIVITY_TYPES;
  const names = new Map<string, { zh: string; en: string }>();
  for (const t of [...CONTEXT_TYPES, ...DEFAULT_ACTIVITY_TYPES, ...tracked]) names.set(t.key, { zh: t.name, en: t.nameEn || t.key });
  return {
    rules,
    version,
    trackedTypes: new Set(tracked.map((t) => t.key)),
    typeName: (type, lang = 'zh') => names.get(type)?.[lang] ?? type,
  };
}

/** Chinese names (and English keys) → type key, for reading rule text like "拜访：…". */
export function typeAliases(quarterTypes: readonly ActivityTypeDef[] = []): Map<string, string> {
  const m = new Map<string, string>();
  for (const t of [...CONTEXT_TYPES, ...DEFAULT_ACTIVITY_TYPES, ...quarterTypes]) {
    m.set(t.name, t.key);
    if (t.nameEn) m.set(t.nameEn.toLowerCase(), t.key);
  }
  return m;
}
