import { z } from 'zod';

/**
 * Validity rules: per activity type, a boolean expression over a few facts. Stored as JSON (this shape),
 * written and shown as text (rule-parser / rule-format), e.g.
 *   visit: duration >= 30min and (distance <= 1km or checkin)
 *   拜访：时长 ≥ 30 分钟 且（距客户 ≤ 1 公里 或 有签到）
 */
export type Condition =
  /** Lasted at least this long (start → end, or the matched check-ins' span). Exactly the threshold counts. */
  | { kind: 'minDuration'; minutes: number }
  /** Recorded location within this distance of the customer's address coordinates (≤ counts). */
  | { kind: 'nearCustomer'; km: number }
  /** A DingTalk check-in backs it. */
  | { kind: 'checkin' }
  /** Has coordinates at all. */
  | { kind: 'hasLocation' }
  | { kind: 'always' }
  | { kind: 'never' };

export type Expr = Condition | { kind: 'all'; of: Expr[] } | { kind: 'any'; of: Expr[] };

export interface TypeRule {
  type: string;
  when: Expr;
}

export interface RuleSet {
  rules: TypeRule[];
}

export const TYPE_KEY = /^[a-z][a-z0-9_]*$/;

const exprSchema: z.ZodType<Expr> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('minDuration'), minutes: z.number().positive().max(24 * 60) }),
    z.object({ kind: z.literal('nearCustomer'), km: z.number().positive().max(1000) }),
    z.object({ kind: z.literal('checkin') }),
    z.object({ kind: z.literal('hasLocation') }),
    z.object({ kind: z.literal('always') }),
    z.object({ kind: z.literal('never') }),
    z.object({ kind: z.literal('all'), of: z.array(exprSchema).min(1) }),
    z.object({ kind: z.literal('any'), of: z.array(exprSchema).min(1) }),
  ]),
);

/** Guards rules read back from the database or config (they are Mixed there). */
export const ruleSetSchema: z.ZodType<RuleSet> = z.object({
  rules: z.array(z.object({ type: z.string().regex(TYPE_KEY), when: exprSchema })),
});

/** Built-in activity types and their names, used when the quarter defines none. */
export const DEFAULT_ACTIVITY_TYPES: ReadonlyArray<{ key: string; name: string; nameEn: string }> = [
  { key: 'visit', name: '拜访', nameEn: 'visit' },
  { key: 'call', name: '电话', nameEn: 'call' },
  { key: 'email', name: '邮件', nameEn: 'email' },
  { key: 'meeting', name: '会议', nameEn: 'meeting' },
  { key: 'proposal', name: '方案', nameEn: 'proposal' },
];

/** Types that are stored but are not sales activities by default. */
export const CONTEXT_TYPES: ReadonlyArray<{ key: string; name: string; nameEn: string }> = [
  { key: 'attendance', name: '考勤打卡', nameEn: 'attendance punch' },
  { key: 'other', name: '其他', nameEn: 'other' },
];

export const DEFAULT_RULES_TEXT = 'visit: duration >= 30min and (distance <= 1km or checkin)';

/** How records from different systems are recognised as one real-world visit. */
export interface MatchSettings {
  /** Types whose records are matched across systems. */
  types: readonly string[];
  /** A check-in this long before the start or after the end still belongs to the visit. */
  slackMin: number;
  /** Two check-ins at the same customer this close together are arrival and departure of one visit. */
  pairWindowMin: number;
  /** Without a customer name on one side, locations this close mean the same customer. */
  sameCustomerKm: number;
}

export const DEFAULT_MATCH: MatchSettings = { types: ['visit'], slackMin: 30, pairWindowMin: 240, sameCustomerKm: 1 };

/** What evaluation needs besides the rules: which types count at all, and their names for messages. */
export interface EvaluationContext {
  rules: RuleSet;
  version: number;
  trackedTypes: ReadonlySet<string>;
  typeName(type: string, lang?: 'zh' | 'en'): string;
}

export function ruleFor(rules: RuleSet, type: string): Expr | undefined {
  return rules.rules.find((r) => r.type === type)?.when;
}
