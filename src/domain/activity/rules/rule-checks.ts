import type { Expr, RuleSet } from './rule-model.js';

/** Whether no activity can ever satisfy `e` (不计 / never, alone or forced by 且 / and). */
export function countsNothing(e: Expr): boolean {
  if (e.kind === 'never') return true;
  if (e.kind === 'all') return e.of.some(countsNothing);
  if (e.kind === 'any') return e.of.every(countsNothing);
  return false;
}

/**
 * Types whose rule can never count an activity. Saving one is allowed (a type may be switched off on
 * purpose) but never silently: HR is warned, naming the types.
 */
export function typesCountingNothing(r: RuleSet): string[] {
  return r.rules.filter((x) => countsNothing(x.when)).map((x) => x.type);
}
