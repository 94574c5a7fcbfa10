import { escapeMarkdown } from '../text/markdown.js';
import { appealCode } from '../appeals/appeal-rules.js';
import { formatLocal } from '../time/calendar.js';
import { formatRules } from './rules/rule-format.js';
import type { EvaluationContext } from './rules/rule-model.js';

type Lang = 'zh' | 'en';

export interface ReportActivity {
  type: string;
  source: string;
  startAt: Date;
  accountName?: string | null;
  counted: boolean;
  reasons: string[];
  mergedInto?: { source?: string | null } | null;
  /** The activity's id: its short number (编号) is shown on not-counted lines for `申诉 <编号> <理由>`. */
  id?: string;
  /** Counted because the manager accepted an appeal (shown as 经申诉计入). */
  appealed?: boolean;
  /** An appeal is waiting for the manager. */
  appealOpen?: boolean;
}

export interface WeekReportInput {
  personName: string;
  /** The viewer asked about themselves ("你") rather than a report. */
  self: boolean;
  weekKey: string;
  weekStart: Date;
  activities: readonly ReportActivity[];
  ctx: EvaluationContext;
  zone: string;
  lang: Lang;
  /** Not-counted lines per page. */
  maxLines?: number;
  /** 1-based page of the not-counted list ("我的行为 第2页"). */
  page?: number;
  /** The command that shows page N, e.g. "我的行为 第2页" or "我的行为 张伟 第2页" (for the hint). */
  pageCommand?: (page: number) => string;
}

/**
 * `我的行为`: this week's counted activities by type, then each one that did not count with its reasons,
 * then what was merged or is not a tracked type, and the rule in force — so a rep can see exactly how
 * the number was reached. Pure: the handler loads the activities (and English reasons) and sends this.
 */
export function weekReport(r: WeekReportInput): { title: string; text: string } {
  const zh = r.lang === 'zh';
  // Type names and a person's and customer's names can come from outside systems: escaped for markdown.
  const name = (t: string) => escapeMarkdown(r.ctx.typeName(t, r.lang));
  const tracked = r.activities.filter((a) => r.ctx.trackedTypes.has(a.type));
  const counted = tracked.filter((a) => a.counted);
  const merged = r.activities.filter((a) => !a.counted && a.mergedInto?.source);
  const notCounted = tracked.filter((a) => !a.counted && !a.mergedInto?.source);
  const context = r.activities.filter((a) => !r.ctx.trackedTypes.has(a.type) && !a.mergedInto?.source);
  const byType = countBy(counted.map((a) => a.type));
  const weekDay = formatLocal(r.weekStart, r.zone, r.lang).replace(/ \d{2}:\d{2}$/, '');
  const shownName = escapeMarkdown(r.personName);
  const who = r.self ? (zh ? '你' : 'You') : shownName;
  const title = zh ? `${r.personName} · 本周行为` : `${r.personName} · activities this week`;
  const heading = zh ? `${shownName} · 本周行为` : `${shownName} · activities this week`;
  const lines: string[] = [zh ? `### ${heading}（${r.weekKey}，${weekDay} 起）` : `### ${heading} (${r.weekKey}, from ${weekDay})`];

  if (r.activities.length === 0) {
    lines.push(zh ? `${who}本周还没有任何行为记录（钉钉签到、CRM 或其他系统都还没有数据）。` : `${who === 'You' ? 'You have' : `${who} has`} no activity records this week yet.`);
  } else {
    const parts = [...byType].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${name(t)} ${n}`);
    lines.push(zh ? `**计入 ${counted.length} 条**${parts.length ? `：${parts.join(' · ')}` : ''}` : `**Counted: ${counted.length}**${parts.length ? ` — ${parts.join(' · ')}` : ''}`);
    const appealed = counted.filter((a) => a.appealed);
    for (const a of appealed) {
      const customer = a.accountName ? ` ${escapeMarkdown(a.accountName)}` : '';
      lines.push(zh ? `- ${formatLocal(a.startAt, r.zone, r.lang)} ${name(a.type)}${customer} — 经申诉计入` : `- ${formatLocal(a.startAt, r.zone, r.lang)} ${name(a.type)}${customer} — counted after appeal (经申诉计入)`);
    }
    if (notCounted.length) {
      lines.push('', zh ? `**未计入 ${notCounted.length} 条：**` : `**Not counted: ${notCounted.length}**`);
      const max = r.maxLines ?? 15;
      const pages = Math.max(1, Math.ceil(notCounted.length / max));
      const page = Math.min(Math.max(1, r.page ?? 1), pages);
      const from = (page - 1) * max;
      if (pages > 1) lines.push(zh ? `（第 ${page}/${pages} 页）` : `(page ${page} of ${pages})`);
      for (const a of [...notCounted].sort((x, y) => x.startAt.getTime() - y.startAt.getTime()).slice(from, from + max)) {
        const customer = a.accountName ? ` ${escapeMarkdown(a.accountName)}` : zh ? ' （未填客户）' : ' (no customer given)';
        const code = a.id ? ` \`${appealCode(a.id)}\`` : '';
        const pending = a.appealOpen ? (zh ? '（申诉处理中）' : ' (appeal pending)') : '';
        lines.push(`-${code} ${formatLocal(a.startAt, r.zone, r.lang)} ${name(a.type)}${customer} — ${a.reasons.join(zh ? '；' : '; ')}${pending}`);
      }
      // The rest is one command away (12.8: "…还有 2 条" used to be a dead end).
      const rest = notCounted.length - (from + max);
      const next = r.pageCommand?.(page + 1) ?? (zh ? `我的行为 第${page + 1}页` : `activity page ${page + 1}`);
      if (rest > 0) lines.push(zh ? `- …还有 ${rest} 条，发送「${next}」查看` : `- …and ${rest} more; send "${next}" to see them`);
      if (r.self && notCounted.some((a) => a.id)) lines.push(zh ? '有异议可申诉：发送「申诉 <编号> <理由>」，由直属主管认可或驳回。' : 'Disagree? Send "appeal <number> <reason>"; your manager decides.');
    }
    if (merged.length) {
      lines.push('', zh ? `另有 ${merged.length} 条记录与其他系统的同一次拜访合并，只计一次。` : `${merged.length} more record(s) were the same visit as a record in another system and count once.`);
    }
    for (const [t, n] of countBy(context.map((a) => a.type))) {
      lines.push(zh ? `${name(t)} ${n} 条（不计入行为）。` : `${name(t)}: ${n} (not counted as activity).`);
    }
  }
  const ruleText = r.ctx.rules.rules.length ? formatRules(r.ctx.rules, r.lang, (t) => name(t)).replaceAll('\n', ' ') : zh ? '所有统计的类型都计入' : 'every tracked type counts';
  lines.push('', zh ? `> 本季度规则 v${r.ctx.version}：${ruleText}` : `> Rules this quarter (v${r.ctx.version}): ${ruleText}`);
  return { title, text: lines.join('\n') };
}

function countBy(keys: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}
