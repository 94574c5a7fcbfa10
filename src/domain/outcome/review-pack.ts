/**
 * The pre-review pack of one team for one quarter, from the team's person-quarter figures and their
 * attribution: the summary card's sections (attribution first, then contrasts, then top vs bottom
 * quartile), the three charts' inputs, and the CSV. Pure: it formats figures, never recomputes them
 * (docs/outcome-chain.md). The service loads, renders and sends (src/services/review-pack/).
 */
import { attainmentLabel, type GoalActualRow } from '../charts/goal-actual-chart.js';
import type { InputConversionInput } from '../charts/input-conversion-chart.js';
import { rankingTable, type HeatmapMetric, type HeatmapRep } from '../charts/ranking-heatmap.js';
import { formatValue } from '../charts/bar-chart.js';
import type { PersonQuarterFigures } from '../figures/person-figures.js';
import { escapeMd } from '../goals/goal-view.js';
import { round1 } from '../report/format.js';
import { median } from '../report/peers.js';
import { formatLocal } from '../time/calendar.js';
import type { Attribution } from './attribution.js';
import { findContrasts, type Contrast } from './contrasts.js';
import { packCsv } from './pack-csv.js';
import { predictedVsActual, predictedVsActualLines, type WeekPrediction } from './predicted-vs-actual.js';
import { quartileTable, type QuartileRow, type QuartileTable } from './quartiles.js';

export interface PackInput {
  quarterId: string;
  teamName: string;
  managerId: string;
  asOf: Date;
  reviewAt: Date;
  timeZone: string;
  /** Before T−72h: an on-demand preview, marked as such. */
  preview: boolean;
  /** The team's members' figures (direct reports of the manager). */
  team: readonly PersonQuarterFigures[];
  attributions: readonly Attribution[];
  /** The stored week-N predictions of the team (absent or missing for a rep: 无预测). */
  predictions?: { week: number; threshold: number; byPerson: ReadonlyMap<string, WeekPrediction> };
}

export type PackProblem = { code: 'empty-team' | 'no-data' | 'only-sub-teams'; zh: string };

export interface ReviewPack {
  title: string;
  cardValues: Record<string, string | boolean>;
  contrasts: Contrast[];
  quartiles: QuartileTable | null;
  charts: {
    goalActual: { title: string; rows: GoalActualRow[] };
    inputConversion: InputConversionInput;
    heatmap: { title: string; metrics: HeatmapMetric[]; reps: HeatmapRep[] };
  };
  csv: { fileName: string; text: string };
}

/** At most this many attribution lines on the card; the CSV has everyone's. */
const MAX_ATTRIBUTION_LINES = 12;
const QUARTILE_ROWS = 6;

const pct = (x: number) => `${Math.round(x * 100)}%`;
const moneyMetric = (f: PersonQuarterFigures) => f.metrics.find((m) => m.unit === 'cny') ?? null;
const name = (s: string) => `**${escapeMd(s)}**`;

/** Why no pack can be made for this team, or null. */
/**
 * Who a pack is about: the members carrying a personal book. A manager whose goal is their team's roll-up
 * would be scored on an empty book (达成 0%, "各环节与团队持平"); their team has its own pack, and the
 * Friday summaries show it as a roll-up row.
 */
export function packMembers(team: readonly PersonQuarterFigures[]): PersonQuarterFigures[] {
  return team.filter((f) => f.personalBook);
}

export function packProblem(teamName: string, all: readonly PersonQuarterFigures[]): PackProblem | null {
  if (all.length === 0) return { code: 'empty-team', zh: `${teamName}团队没有在职成员，无法生成复盘包。` };
  const team = packMembers(all);
  if (team.length === 0) {
    return {
      code: 'only-sub-teams',
      zh: `${teamName}的直属成员都是带团队的主管：复盘包按团队生成，不把主管本人当作销售打分。发「复盘 团队 <主管姓名>」查看任一下级团队的复盘包，「周报」看各团队汇总。`,
    };
  }
  const anyGoal = team.some((f) => f.goal.state !== 'none');
  const anyDeal = team.some((f) => f.winRate.closed > 0 || f.pipeline.opened > 0 || f.signedCny > 0);
  if (!anyGoal && !anyDeal) return { code: 'no-data', zh: `${teamName}团队本季既没有目标也没有商机，复盘包没有可展示的数据。请先设定目标（成员发「目标」）并导入商机（npm run import:csv -- --kind=deals）。` };
  return null;
}

export function buildReviewPack(p: PackInput): ReviewPack {
  const team = p.team;
  const title = `复盘包 · ${p.teamName}团队 · ${p.quarterId}${p.preview ? ' · 预览' : ''}`;
  const dims = team[0]?.dimensions ?? [];

  // ③ first: its overall rank orders the CSV.
  const heatMetrics: HeatmapMetric[] = [
    { key: 'signed', name: '签约额' },
    { key: 'attainment', name: '达成率' },
    { key: 'newCustomers', name: '新客户' },
    { key: 'counted', name: '有效活动' },
    { key: 'winRate', name: '赢单率' },
    { key: 'health', name: '健康分' },
    ...dims.map((d) => ({ key: `dim:${d.key}`, name: d.name })),
  ];
  const heatReps: HeatmapRep[] = team.map((f) => ({
    name: f.name,
    values: {
      signed: f.signedCny,
      attainment: moneyMetric(f)?.attainment ?? null,
      newCustomers: f.newCustomers,
      counted: f.activity.counted,
      winRate: f.winRate.rate,
      health: f.health.score,
      ...Object.fromEntries(f.dimensions.map((d) => [`dim:${d.key}`, d.rate])),
    },
  }));
  const ranking = rankingTable(heatMetrics, heatReps);
  const overallRank = new Map(team.map((f, i) => [f.personId, ranking.overallRank[i]!]));

  const plotted = team.filter((f) => f.activity.visitsPerWorkingWeek !== null && f.winRate.rate !== null);
  const unplotted = team.length - plotted.length;
  const inputConversion: InputConversionInput = {
    title: `投入 vs 转化 · ${p.teamName}团队 · ${p.quarterId}`,
    rows: plotted.map((f) => ({ name: f.name, visitsPerWeek: f.activity.visitsPerWorkingWeek!, winRate: f.winRate.rate!, signedCny: f.signedCny })),
    medianVisitsPerWeek: median(plotted.map((f) => f.activity.visitsPerWorkingWeek!)),
    medianWinRate: median(plotted.map((f) => f.winRate.rate!)),
  };
  if (unplotted > 0) {
    inputConversion.subtitle = `点的大小 = 签约额 · 虚线 = 团队中位数 · 未画出：${unplotted} 人本季没有结单商机（赢单率无从计算）`;
  }

  const contrasts = findContrasts(team);
  const quartiles = quartileTable(team);
  const byId = new Map(team.map((f) => [f.personId, f]));

  const attributionMd = attributionLines(p.attributions, byId);
  const predWeek = p.predictions?.week ?? 8;
  const predicted = predictedVsActual(team, p.predictions?.byPerson ?? new Map());
  const cardValues = {
    title,
    color: p.preview ? 'gray' : 'blue',
    attribution: attributionMd,
    contrasts: contrastLines(contrasts),
    quartiles: quartileLines(quartiles, byId),
    predictedTitle: `**第 ${predWeek} 周预测 vs 实际**`,
    predicted: predictedVsActualLines(predicted, predWeek, p.predictions?.threshold ?? 0.5),
    footer: [
      `数据截至 ${formatLocal(p.asOf, p.timeZone)}，复盘会 ${formatLocal(p.reviewAt, p.timeZone)}。${p.preview ? '**预览**：正式复盘包在会前 72 小时发送。' : ''}`,
      `随后发送：① 目标 vs 实际 ② 投入 vs 转化 ③ 团队排名热力图，以及全部数字的 CSV。定义见 docs/outcome-chain.md。`,
    ].join('\n\n'),
  };

  return {
    title,
    cardValues,
    contrasts,
    quartiles,
    charts: {
      goalActual: {
        title: `目标 vs 实际签约额 · ${p.teamName}团队 · ${p.quarterId}`,
        rows: team.map((f) => {
          const m = moneyMetric(f);
          return { name: f.name, actualCny: f.signedCny, targetCny: m?.target ?? null, attainment: m?.attainment ?? null };
        }),
      },
      inputConversion,
      heatmap: { title: `团队排名 · ${p.teamName}团队 · ${p.quarterId}`, metrics: heatMetrics, reps: heatReps },
    },
    csv: { fileName: `复盘数据-${p.teamName}团队-${p.quarterId}.csv`, text: packCsv(team, p.attributions, overallRank, { week: predWeek, rows: predicted }) },
  };
}

function attributionLines(attributions: readonly Attribution[], byId: ReadonlyMap<string, PersonQuarterFigures>): string {
  const trailing = attributions.filter((a) => a.trailing);
  if (trailing.length === 0) return '各成员的各环节都与团队持平，没有需要归因的偏差。';
  const att = (a: Attribution) => moneyMetric(byId.get(a.personId)!)?.attainment ?? null;
  // Furthest from the target first; no target (nothing to measure against) before everyone else.
  trailing.sort((a, b) => (att(a) ?? -1) - (att(b) ?? -1) || a.personId.localeCompare(b.personId));
  const lines = trailing.slice(0, MAX_ATTRIBUTION_LINES).map((a) => {
    const x = att(a);
    const status = x === null ? '未设目标' : `达成 ${attainmentLabel(x)}`;
    return `- ${name(a.name)}（${status}）：${escapeMd(a.sentence.zh)} 抓手：${escapeMd(a.lever.text.zh)}`;
  });
  if (trailing.length > MAX_ATTRIBUTION_LINES) lines.push(`- …另有 ${trailing.length - MAX_ATTRIBUTION_LINES} 人，见 CSV 的「归因说明」列`);
  return lines.join('\n');
}

function contrastLines(cs: readonly Contrast[]): string {
  if (cs.length === 0) return '没有投入相近（有效拜访相差 ≤ 20%）而赢单率相差 1.5 倍以上的两人。';
  return cs
    .map((c) => {
      const dim = c.dimension ? `；差别最大的维度：${escapeMd(c.dimension.name)} ${pct(c.dimension.high)} vs ${pct(c.dimension.low)}` : '；跟踪的维度上两人相差不到 10 个百分点';
      return `- ${name(c.high.name)} vs ${name(c.low.name)}：有效拜访每周 ${round1(c.high.visitsPerWeek)} vs ${round1(c.low.visitsPerWeek)} 次，赢单率 ${pct(c.high.winRate)} vs ${pct(c.low.winRate)}${dim}`;
    })
    .join('\n');
}

function quartileValue(r: QuartileRow, v: number): string {
  switch (r.unit) {
    case 'rate':
      return pct(v);
    case 'cny':
      return formatValue(v, 'cny-wan');
    default:
      return formatValue(Math.round(v * 10) / 10, 'number');
  }
}

function quartileLines(t: QuartileTable | null, byId: ReadonlyMap<string, PersonQuarterFigures>): string {
  if (!t) return '团队少于 4 人，不分前后 25%。';
  const who = (ids: string[]) => ids.slice(0, 6).map((id) => escapeMd(byId.get(id)?.name ?? id)).join('、') + (ids.length > 6 ? ` 等 ${ids.length} 人` : '');
  const head = `按${t.by === 'attainment' ? '签约达成率' : '签约额'}分：前 25%（${who(t.top)}）vs 后 25%（${who(t.bottom)}）`;
  if (t.rows.length === 0) return `${head}：各项没有差别。`;
  const rows = t.rows.slice(0, QUARTILE_ROWS).map((r) => `- ${escapeMd(r.name)}：${quartileValue(r, r.top)} vs ${quartileValue(r, r.bottom)}（标准化差 ${r.d >= 0 ? '+' : ''}${r.d.toFixed(1)}）`);
  return [head, ...rows].join('\n');
}
