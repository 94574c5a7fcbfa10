import { formatDistance, formatDuration, formatNumber } from '../format.js';
import { distanceKm } from '../geo.js';
import type { ActivityFacts } from '../types.js';
import { ruleFor, type EvaluationContext, type Expr } from './rule-model.js';

type Lang = 'zh' | 'en';

export interface Verdict {
  counted: boolean;
  /** Every reason it did not count, in words a rep can read; empty when counted. */
  reasons: string[];
}

const SOURCE_LABEL: Record<string, { zh: string; en: string }> = {
  salesforce: { zh: 'Salesforce', en: 'Salesforce' },
  dingtalk_checkin: { zh: '钉钉签到', en: 'DingTalk check-in' },
  dingtalk_attendance: { zh: '钉钉考勤', en: 'DingTalk attendance' },
  webhook: { zh: '外部系统', en: 'external system' },
  csv: { zh: 'CSV 导入', en: 'CSV import' },
  seed: { zh: '演示数据', en: 'demo data' },
};

export function sourceLabel(source: string, lang: Lang = 'zh'): string {
  return SOURCE_LABEL[source]?.[lang] ?? source;
}

/**
 * Whether one activity counts, and why not. Gates that no rule can override come first (deleted at the
 * source, already counted as part of another record, a type not tracked this quarter, an open task);
 * then the type's rule, if it has one — a tracked type without a rule always counts.
 */
export function evaluate(f: ActivityFacts, ctx: EvaluationContext, lang: Lang = 'zh'): Verdict {
  const zh = lang === 'zh';
  if (f.deleted) return no(zh ? '源系统中已删除' : 'deleted in the source system');
  if (f.mergedInto) {
    const src = sourceLabel(f.mergedInto.source, lang);
    return no(zh ? `与${src}记录是同一次拜访，已合并只计一次` : `same visit as a ${src} record; counted once there`);
  }
  if (!ctx.trackedTypes.has(f.type)) {
    const name = ctx.typeName(f.type, lang);
    return no(zh ? `「${name}」不在本季度统计的行为类型中` : `"${name}" is not an activity type tracked this quarter`);
  }
  if (f.completed === false) return no(zh ? '任务还未完成' : 'the task is not completed');
  // An accepted appeal overrides the type's rule (any version of it), never the gates above.
  if (f.appealed) return { counted: true, reasons: [] };
  const rule = ruleFor(ctx.rules, f.type);
  if (!rule) return { counted: true, reasons: [] };
  const reasons = check(rule, f, ctx, lang);
  return { counted: reasons.length === 0, reasons };
}

/** Failed conditions of `e` as reasons; empty when `e` holds. */
function check(e: Expr, f: ActivityFacts, ctx: EvaluationContext, lang: Lang): string[] {
  const zh = lang === 'zh';
  switch (e.kind) {
    case 'always':
      return [];
    case 'never':
      return [zh ? `「${ctx.typeName(f.type, lang)}」按规则不计入` : `"${ctx.typeName(f.type, lang)}" does not count by rule`];
    case 'minDuration': {
      if (f.durationMin === undefined) return [zh ? '没有时长（缺少结束时间）' : 'no duration (no end time)'];
      // Compared in whole seconds so float noise can't turn exactly 30:00 into 29:59.999.
      if (Math.round(f.durationMin * 60) >= Math.round(e.minutes * 60)) return [];
      return [zh ? `时长 ${formatDuration(f.durationMin, lang)} < ${formatNumber(e.minutes)} 分钟` : `duration ${formatDuration(f.durationMin, lang)} < ${formatNumber(e.minutes)} min`];
    }
    case 'nearCustomer': {
      if (!f.location) return [zh ? '没有位置坐标' : 'no location coordinates'];
      if (!f.customerLocation) return [zh ? '客户地址没有坐标，无法核对距离' : 'the customer address has no coordinates to compare with'];
      const d = distanceKm(f.location, f.customerLocation);
      // Metre precision: "within 1 km" must accept 1.0000004 km computed for a point placed 1 km away.
      if (Math.round(d * 1000) <= Math.round(e.km * 1000)) return [];
      return [zh ? `距客户 ${formatDistance(d, lang)} > ${formatDistance(e.km, lang)}` : `${formatDistance(d, lang)} from the customer > ${formatDistance(e.km, lang)}`];
    }
    case 'checkin':
      return f.checkin ? [] : [zh ? '没有签到记录' : 'no check-in record'];
    case 'hasLocation':
      return f.location ? [] : [zh ? '没有位置坐标' : 'no location coordinates'];
    case 'all':
      return e.of.flatMap((x) => check(x, f, ctx, lang));
    case 'any': {
      const failures: string[] = [];
      for (const x of e.of) {
        const r = check(x, f, ctx, lang);
        if (r.length === 0) return [];
        failures.push(r.join(zh ? '、' : '; '));
      }
      return [failures.join(zh ? '，且' : ', and ')];
    }
  }
}

function no(reason: string): Verdict {
  return { counted: false, reasons: [reason] };
}
