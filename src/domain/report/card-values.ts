import type { CardValue } from '../cards/fill-card.js';
import type { PersonQuarterFigures } from '../figures/person-figures.js';
import type { TeamRollup } from '../figures/team-figures.js';
import { formatLocal } from '../time/calendar.js';
import { escapeMarkdown } from '../text/markdown.js';
import type { RepReport } from './build-report.js';
import { attainmentPct, metricValue, pct, round1, weekLabel } from './format.js';
import type { HealthLevel } from './health.js';
import type { MetricProgress } from './progress.js';
import { DEFAULT_PREDICTION_THRESHOLD, repPredictionText, teamPredictionText } from './prediction-lines.js';
import { rollupHeadline, type TeamSummary } from './team.js';

/** Values for cards/weekly-report.json and cards/team-report.json (pure: the report in, strings out). */

export const LEVEL_NAMES: Record<HealthLevel, string> = { healthy: '健康', watch: '关注', risk: '风险' };
export const LEVEL_COLORS: Record<HealthLevel, string> = { healthy: 'green', watch: 'orange', risk: 'red' };
export const LEVEL_ICONS: Record<HealthLevel, string> = { healthy: '🟢', watch: '🟠', risk: '🔴' };
/** Chart colours matching the header colours. */
export const LEVEL_CHART_COLORS: Record<HealthLevel, string> = { healthy: '#54A24B', watch: '#F58518', risk: '#E45756' };

/** One metric's line, the same on the rep card and in 我的目标 (formatted from the person's figures). */
export function progressLine(p: MetricProgress): string {
  const v = (x: number) => metricValue(x, p.unit);
  // A measured rate in whole percents, as the card's dimension line and the forecast show it; targets as typed.
  const measured = (x: number) => (p.unit === 'percent' ? pct(x / 10_000) : v(x));
  // Metric names are HR's typed text: escaped where they enter markdown (a name with * or [ was live markup).
  const name = escapeMarkdown(p.name);
  if (p.status === 'no-source') return `- ${name}：暂无数据来源${p.target !== null ? `（目标 ${v(p.target)}）` : ''}`;
  if (p.status === 'no-data') return `- ${name}：本季还没有可计算的有效拜访${p.target !== null ? `（目标 ${v(p.target)}）` : ''}`;
  if (p.status === 'no-target') return `- ${name}：${measured(p.actual!)}（未设目标）`;
  const head = `- ${name}：${measured(p.actual!)} / 目标 ${v(p.target!)}（${attainmentPct(p.attainment!)}），按进度应达 ${v(p.expected!)}`;
  if (p.paceRatio === null) return head;
  const diff = p.paceRatio - 1;
  const verdict = p.status === 'behind' ? `**落后进度 ${pct(-diff)}**` : diff >= 0 ? `领先进度 ${pct(diff)}` : `略低于进度 ${pct(-diff)}`;
  return `${head} → ${verdict}`;
}

function activitiesText(r: RepReport): string {
  const byType = r.thisWeek.byType.map((t) => `${escapeMarkdown(t.name)} ${t.n}`).join(' · ');
  const prev = r.thisWeek.previousWeekCounted === null ? '' : `（上周 ${r.thisWeek.previousWeekCounted} 次）`;
  const appealed = r.thisWeek.appealed ? `（其中经申诉计入 ${r.thisWeek.appealed} 次）` : '';
  // A holiday week is short: say so, so 3 visits in 3 working days don't read as a slow week.
  const wd = r.thisWeek.workingDays;
  const short = wd !== undefined && wd !== 5 ? `（本周 ${wd} 个工作日）` : '';
  const lines = [`**本周有效活动 ${r.thisWeek.counted} 次**${short}${appealed}${prev}${byType ? `：${byType}` : ''}`];
  const c = r.conversion;
  const median = c.peerMedian === null ? '' : `，全员中位数 ${pct(c.peerMedian)}`;
  const perWon = c.visitsPerWon === null ? '' : `；每单有效${c.visitName} ${round1(c.visitsPerWon)} 次`;
  lines.push(
    c.rate === null
      ? `**赢单率**：本季还没有结单的商机（赢单 ${c.won}，输单 ${c.lost}），无法计算`
      : `**赢单率**：赢单 ${c.won} / 结单 ${c.won + c.lost} = ${pct(c.rate)}${median}${perWon}`,
  );
  for (const d of r.dimensions) {
    if (d.mine === null && d.everyone === null) continue;
    const parts = [`你 ${d.mine === null ? '—' : pct(d.mine)}`];
    if (d.target !== null) parts.push(`目标 ${pct(d.target)}`);
    if (d.top !== null) parts.push(`全员赢单率前 25% 的同事 ${pct(d.top)}`);
    if (d.everyone !== null) parts.push(`全员 ${pct(d.everyone)}`);
    lines.push(`**${escapeMarkdown(d.name)}**（有效${c.visitName}中）：${parts.join('｜')}`);
  }
  return lines.join('\n\n');
}

function notCountedText(r: RepReport): string {
  if (r.notCounted.thisWeek === 0) return '**本周活动全部计入**';
  const items = r.notCounted.items.map((a) => `- ${a.day.slice(5)} ${escapeMarkdown(a.typeName)} ${a.accountName ? escapeMarkdown(a.accountName) : '（未填客户）'}：${a.reasons.join('；') || '未说明原因'}`);
  const more = r.notCounted.thisWeek > items.length ? [`- 另有 ${r.notCounted.thisWeek - items.length} 次未列出`] : [];
  return [`**本周未计入 ${r.notCounted.thisWeek} 次**（不计入活动量和转化）`, ...items, ...more].join('\n');
}

function scorePartsText(r: RepReport): string {
  const lines = ['**健康分怎么算**：每项得分（最高 100%）× 权重，相加后取整'];
  let sum = 0;
  for (const c of r.health.components) {
    if (c.value === null) {
      lines.push(`- ${escapeMarkdown(c.name)}（权重 ${pct(c.weight)}）：不计入 —— ${c.explain}`);
      continue;
    }
    sum += c.points;
    const w = Math.abs(c.effectiveWeight - c.weight) > 1e-9 ? `权重 ${pct(c.weight)}→${pct(c.effectiveWeight)}` : `权重 ${pct(c.weight)}`;
    lines.push(`- ${escapeMarkdown(c.name)}：${pct(c.value)} × ${w} = ${round1(c.points)} 分 —— ${c.explain}`);
  }
  const skipped = r.health.components.some((c) => c.value === null);
  // A deduction's reason quotes the goal's typed key accounts / industries: outside text.
  for (const d of r.health.deductions) lines.push(`- 扣分：−${d.points} 分 —— ${escapeMarkdown(d.explain)}`);
  const off = r.health.deductions.reduce((s, d) => s + d.points, 0);
  lines.push(`- 合计 ${round1(sum)}${off ? ` − ${off}` : ''} → **${r.health.score} 分**${skipped ? '（有不计入的项时，其余项的权重按比例放大）' : ''}`);
  if (r.health.cappedBy) lines.push(`- ${r.health.cappedBy === 'no-goal' ? '未设目标' : '目标方向与上级不一致'}：等级最高为「关注」`);
  return lines.join('\n');
}

/**
 * 我的目标 / 查看目标's figures block: the same progress lines and health score as the Friday card, from
 * the same person-quarter figures (domain/figures), as of now. English when the asker wrote English
 * (`nameOf` gives a metric's English name from the quarter set-up; the Chinese one when it has none).
 */
export function goalFiguresMarkdown(f: PersonQuarterFigures, lang: 'zh' | 'en' = 'zh', nameOf?: (key: string) => string | undefined): string {
  if (lang === 'en') return goalFiguresMarkdownEn(f, nameOf);
  const lines = [`**本季进度**（季度已过 ${pct(f.share)}）`, ...f.metrics.map(progressLine)];
  const w = f.winRate;
  lines.push(`- 赢单率：${w.rate === null ? '—' : `赢单 ${w.won} / 结单 ${w.closed} = ${pct(w.rate)}`} · 本季有效活动 ${f.activity.counted} 次 · 新建商机 ${f.pipeline.opened} 个`);
  lines.push(`- **健康分 ${f.health.score}**（${LEVEL_NAMES[f.health.level]}）${f.health.deductions.map((d) => `，扣 ${d.points} 分：${escapeMarkdown(d.explain)}`).join('')}`);
  return lines.join('\n');
}

const LEVEL_NAMES_EN: Record<HealthLevel, string> = { healthy: 'healthy', watch: 'watch', risk: 'at risk' };

/** A metric value for an English reader: ¥420,000 / 9.4 / 12.5%. */
function metricValueEn(x: number, unit: MetricProgress['unit']): string {
  if (unit === 'cny') return `¥${Math.round(x).toLocaleString('en-US')}`;
  if (unit === 'percent') return metricValue(x, unit);
  return String(round1(x));
}

function progressLineEn(p: MetricProgress, name: string): string {
  const v = (x: number) => metricValueEn(x, p.unit);
  const measured = (x: number) => (p.unit === 'percent' ? pct(x / 10_000) : v(x));
  const target = p.target !== null ? ` (target ${v(p.target)})` : '';
  if (p.status === 'no-source') return `- ${name}: no data source yet${target}`;
  if (p.status === 'no-data') return `- ${name}: no counted visit to measure it on this quarter yet${target}`;
  if (p.status === 'no-target') return `- ${name}: ${measured(p.actual!)} (no target)`;
  const head = `- ${name}: ${measured(p.actual!)} / target ${v(p.target!)} (${attainmentPct(p.attainment!)}), on pace would be ${v(p.expected!)}`;
  if (p.paceRatio === null) return head;
  const diff = p.paceRatio - 1;
  const verdict = p.status === 'behind' ? `**behind pace by ${pct(-diff)}**` : diff >= 0 ? `ahead of pace by ${pct(diff)}` : `slightly below pace by ${pct(-diff)}`;
  return `${head} → ${verdict}`;
}

function goalFiguresMarkdownEn(f: PersonQuarterFigures, nameOf?: (key: string) => string | undefined): string {
  const lines = [`**This quarter's progress** (${pct(f.share)} of the quarter gone)`, ...f.metrics.map((p) => progressLineEn(p, escapeMarkdown(nameOf?.(p.key) ?? p.name)))];
  const w = f.winRate;
  lines.push(`- Win rate: ${w.rate === null ? '—' : `won ${w.won} / closed ${w.closed} = ${pct(w.rate)}`} · counted activities this quarter ${f.activity.counted} · new opportunities ${f.pipeline.opened}`);
  // The deduction's own reason is worded in Chinese; in English it points at the alignment shown above.
  const off = f.health.deductions.map((d) => `, −${d.points} points: ${d.code === 'misaligned' ? "the goal's direction differs from the manager's (see above)" : escapeMarkdown(d.explain)}`).join('');
  lines.push(`- **Health score ${f.health.score}** (${LEVEL_NAMES_EN[f.health.level]})${off}`);
  return lines.join('\n');
}

/**
 * 我的目标 for a manager without a personal book: their goal is the team's roll-up, so the block is the
 * team's — the same roll-up line as their team summary and their row in the director's summary — and no
 * personal health score (a rep's score of their own empty book would read 0, 风险).
 */
export function teamFiguresMarkdown(share: number, r: TeamRollup, lang: 'zh' | 'en' = 'zh', nameOf?: (key: string) => string | undefined): string {
  if (lang === 'zh') {
    return [
      `**团队进度**（季度已过 ${pct(share)}；主管的目标按团队汇总计算，不单独打个人健康分）`,
      `- ${escapeMarkdown(rollupHeadline(r))}`,
      `- **团队平均健康分 ${r.score}**（${LEVEL_NAMES[r.level]}）`,
    ].join('\n');
  }
  const parts = [`Team of ${r.people}`];
  const m = r.metrics.find((x) => x.target !== null && x.actual !== null);
  if (m) parts.push(`${escapeMarkdown(nameOf?.(m.key) ?? m.name)}: ${metricValueEn(m.actual!, m.unit)} / target ${metricValueEn(m.target!, m.unit)} (${attainmentPct(m.attainment!)})`);
  parts.push(`counted activities this quarter ${r.counted}`);
  parts.push(r.winRate === null ? 'win rate —' : `win rate ${pct(r.winRate)}`);
  if (r.noGoal > 0) parts.push(`${r.noGoal} without a goal`);
  if (r.misaligned > 0) parts.push(`${r.misaligned} misaligned`);
  return [
    `**Team progress** (${pct(share)} of the quarter gone; a manager's goal is measured on the team's roll-up, with no personal health score)`,
    `- ${parts.join(' · ')}`,
    `- **Team's mean health score ${r.score}** (${LEVEL_NAMES_EN[r.level]})`,
  ].join('\n');
}

/** Targets that are not approved yet are still shown, but the rep is told what they are measured against. */
function goalNote(status: string | null): string {
  if (status === null) return '；本季度还没有目标';
  if (status === 'approved') return '';
  return `；目标${{ draft: '还是草稿', submitted: '待主管审批', returned: '被退回修改' }[status] ?? `状态：${status}`}，按当前填写的数字计算`;
}

/** The card's 申诉 picker: this week's listed not-counted activities (AppealService checks every click). */
function appealValues(r: RepReport): Record<string, CardValue> {
  const options = r.notCounted.items.filter((a) => a.id).map((a) => ({ value: a.id!, label: `${a.day.slice(5)} ${a.typeName}${a.accountName ? ` ${a.accountName}` : ''}` }));
  return { canAppeal: options.length > 0, appealOptions: options };
}

export function repCardValues(r: RepReport, chartMediaId: string | undefined): Record<string, CardValue> {
  return {
    title: `${r.name} · ${weekLabel(r.week)}活动健康报告`,
    color: LEVEL_COLORS[r.health.level],
    scoreLine: `**健康分 ${r.health.score}**（${LEVEL_NAMES[r.health.level]}）｜季度已过 ${pct(r.share)}（第 ${r.weekIndex}/${r.weekCount} 周）`,
    // The insight names people and key accounts (outside text): escaped here, where it enters markdown.
    insight: `**看这里**：${escapeMarkdown(r.insight)}`,
    ...(chartMediaId ? { chartMediaId } : {}),
    hasChart: chartMediaId !== undefined,
    progress: [
      [`**目标进度**（按线性进度，现在应完成目标的 ${pct(r.share)}${goalNote(r.goalStatus)}）`, ...r.progress.map(progressLine)].join('\n'),
      // The stored predictions of the quarter (read, not recomputed): a line per metric and the factors, or 历史数据不足.
      ...(r.predictions ? [repPredictionText(r.predictions)] : []),
    ].join('\n\n'),
    activities: activitiesText(r),
    notCounted: notCountedText(r),
    scoreParts: scorePartsText(r),
    ...appealValues(r),
    footer: `数据截至 ${formatLocal(r.asOf, r.timeZone)}。只统计按有效规则计入的活动；成交按签约日期计入。对数字有疑问请找主管或 HR 核对。`,
  };
}

export function teamCardValues(
  t: TeamSummary,
  chartMediaId: string | undefined,
  thresholds: { healthy: number; watch: number },
  predictionThreshold: number = DEFAULT_PREDICTION_THRESHOLD,
): Record<string, CardValue> {
  const worst: HealthLevel = t.counts.risk > 0 ? 'risk' : t.counts.watch > 0 ? 'watch' : 'healthy';
  // One line per member: a continuation line under a list item restarts the numbering in chat markdown.
  // The headline is left out when the insight already starts with it ("签约额落后进度 46%，…：…").
  const members = t.members.map((m, i) => {
    // The insight can carry outside text (names, key accounts): escaped as it enters the markdown line.
    const says = escapeMarkdown(m.insight.startsWith(m.headline) ? m.insight : `${m.headline}；${m.insight}`);
    // A sub-team's row is its roll-up (mean score of the team), never the manager's personal activity.
    const who = m.kind === 'team' ? `**${escapeMarkdown(m.name)}团队**` : `**${escapeMarkdown(m.name)}**`;
    const score = m.kind === 'team' ? `平均 ${m.score} 分` : `${m.score} 分`;
    return `${i + 1}. ${LEVEL_ICONS[m.level]} ${who} ${score} · ${says}`;
  });
  return {
    title: `${t.managerName}的团队 · ${weekLabel(t.week)}活动健康`,
    color: LEVEL_COLORS[worst],
    summary: `${escapeMarkdown(rollupHeadline(t.rollup))}\n\n共 ${t.members.length} 行：🔴 风险 ${t.counts.risk} · 🟠 关注 ${t.counts.watch} · 🟢 健康 ${t.counts.healthy}（低于 ${thresholds.watch} 分为风险，${thresholds.watch}–${thresholds.healthy - 1} 分为关注），未设目标的在最前，其余分数低的在前`,
    // Reps below the prediction threshold come first, lowest probability first; then every member's line.
    members: [teamPredictionText(predicted(t), predictionThreshold), members.join('\n')].filter(Boolean).join('\n\n'),
    ...(chartMediaId ? { chartMediaId } : {}),
    hasChart: chartMediaId !== undefined,
    memberOptions: t.members.map((m) => ({ value: m.personId, label: m.kind === 'team' ? `${m.name}团队（平均 ${m.score} 分）` : `${m.name}（${m.score} 分）` })),
    week: t.week,
    footer: `数据截至 ${formatLocal(t.asOf, t.timeZone)}。选一位成员点「发给我看」，会收到 TA 的完整报告（和 TA 收到的一样）。`,
  };
}

/** The team's reps that have stored predictions. */
function predicted(t: TeamSummary) {
  return t.members.flatMap((m) => (m.kind === 'rep' && m.predictions?.length ? [{ name: m.name, predictions: m.predictions }] : []));
}
