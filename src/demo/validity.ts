import { factsOf } from '../domain/activity/normalize.js';
import { evaluationContext, typeAliases } from '../domain/activity/rules/context.js';
import { evaluate } from '../domain/activity/rules/evaluate.js';
import { DEFAULT_RULES_TEXT, type EvaluationContext } from '../domain/activity/rules/rule-model.js';
import { parseRules } from '../domain/activity/rules/rule-parser.js';
import type { ActivityShape } from './shapes.js';

/**
 * The demo judges its activities with the activity chain's own evaluator and default rule
 * ("visit: duration >= 30min and (distance <= 1km or checkin)"), on the same fields the chain stores
 * (location, customerLocation, evidence, mergedInto). A freshly loaded company therefore shows exactly what
 * the chain would say, and re-evaluation after HR changes the rule (行为规则) works on demo data too.
 */
export function demoEvaluationContext(activityTypes: ReadonlyArray<{ key: string; name: string; nameEn?: string }>): EvaluationContext {
  const parsed = parseRules(DEFAULT_RULES_TEXT, typeAliases(activityTypes));
  if (!parsed.ok) throw new Error(`default activity rule does not parse: ${parsed.errors.map((e) => e.message).join('; ')}`);
  return evaluationContext(parsed.rules, 0, activityTypes);
}

/** Sets counted/reasons on a demo activity as the chain would. */
export function judge(a: ActivityShape, ctx: EvaluationContext): void {
  const v = evaluate(factsOf(a), ctx);
  a.counted = v.counted;
  a.reasons = v.reasons;
}
