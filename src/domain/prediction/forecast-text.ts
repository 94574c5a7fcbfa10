/**
 * The `预测` / `forecast` answer as markdown: one rep (probability, factors, what would move it) or a
 * list (lowest probability first, those below the threshold marked). Thin history or before week 4: the
 * pace projection, labelled as not a prediction. Names are escaped where they enter markdown. Pure.
 */
import { amount, metricName, percent, type Lang } from './explain-text.js';
import { THIN } from './model.js';

export interface ForecastRow {
  /** Who (several rows per person, one per metric); the name when absent. */
  personId?: string;
  name: string;
  metric: string;
  probability: number | null;
  target: number;
  achieved: number;
  paceProjected: number;
  factors: ReadonlyArray<{ text: string; advice?: string }>;
}

export interface ForecastHeader {
  status: 'ok' | 'thin' | 'too-early';
  quarterId: string;
  week: number;
  modelVersion: number | null;
  trainingQuarters: readonly string[];
  repQuarters: number;
}

const t = (lang: Lang, zh: string, en: string) => (lang === 'en' ? en : zh);

/** Markdown-significant characters in outside text (names) are escaped. */
export function escapeMd(s: string): string {
  return s.replace(/([\\`*_{}[\]()#+\-.!|>~<])/g, '\\$1');
}

export function statusLine(h: ForecastHeader, lang: Lang): string {
  if (h.status === 'too-early') return t(lang, `第 ${h.week} 周：第 4 周起才有预测。下面是按当前节奏推算（不是预测）。`, `Week ${h.week}: predictions start at week 4. Below is the pace projection (not a prediction).`);
  if (h.status === 'thin')
    return t(
      lang,
      `历史数据不足：预测需要至少 ${THIN.minQuarters} 个已结束的季度、${THIN.minRepQuarters} 个人·季度的目标与结果（现有 ${h.trainingQuarters.length} 个季度、${h.repQuarters} 个）。下面是按当前节奏推算（不是预测）。`,
      `Not enough history: a prediction needs at least ${THIN.minQuarters} finished quarters and ${THIN.minRepQuarters} rep-quarters with targets (have ${h.trainingQuarters.length} and ${h.repQuarters}). Below is the pace projection (not a prediction).`,
    );
  return t(
    lang,
    `${h.quarterId} 第 ${h.week} 周 · 模型 v${h.modelVersion}（用 ${h.trainingQuarters.join('、')} 共 ${h.repQuarters} 个人·季度训练，回测见 docs/backtest.md）`,
    `${h.quarterId} week ${h.week} · model v${h.modelVersion} (trained on ${h.trainingQuarters.join(', ')}, ${h.repQuarters} rep-quarters)`,
  );
}

function paceText(r: ForecastRow, lang: Lang): string {
  const ratio = r.target > 0 ? r.paceProjected / r.target : 0;
  return t(
    lang,
    `按节奏推算：已完成 ${amount(r.metric, r.achieved, lang)}，季末约 ${amount(r.metric, r.paceProjected, lang)} / 目标 ${amount(r.metric, r.target, lang)}（${percent(ratio)}）`,
    `Pace: ${amount(r.metric, r.achieved, lang)} so far, about ${amount(r.metric, r.paceProjected, lang)} by quarter end / target ${amount(r.metric, r.target, lang)} (${percent(ratio)})`,
  );
}

export function formatPersonForecast(h: ForecastHeader, rows: readonly ForecastRow[], lang: Lang): string {
  const lines = [statusLine(h, lang), ''];
  for (const r of rows) {
    lines.push(`**${escapeMd(r.name)} · ${metricName(r.metric, lang)}**`);
    if (r.probability !== null) {
      lines.push(t(lang, `达成目标的概率：**${percent(r.probability)}**`, `Probability of reaching the target: **${percent(r.probability)}**`));
      if (r.factors.length) {
        lines.push(t(lang, '主要因素：', 'Main factors:'));
        for (const f of r.factors) lines.push(`- ${f.text}`);
      }
      const advice = r.factors.find((f) => f.advice)?.advice;
      if (advice) lines.push(t(lang, `可以改变的：${advice}`, `What would move it: ${advice}`));
    }
    lines.push(paceText(r, lang), '');
  }
  return lines.join('\n').trim();
}

export function formatListForecast(h: ForecastHeader, rows: readonly ForecastRow[], threshold: number, lang: Lang, limit = 40): string {
  const sorted = [...rows].sort((a, b) => (a.probability ?? a.paceProjected / a.target) - (b.probability ?? b.paceProjected / b.target));
  // One row per person and metric: count people (as the team summary lists them), and the rows when more.
  const belowRows = sorted.filter((r) => r.probability !== null && r.probability < threshold);
  const below = new Set(belowRows.map((r) => r.personId ?? r.name)).size;
  const extra = belowRows.length > below;
  const lines = [statusLine(h, lang)];
  if (h.status === 'ok') {
    lines.push(
      t(
        lang,
        `低于 ${percent(threshold)} 的 ${below} 人${extra ? `（${belowRows.length} 项）` : ''}排在前面。`,
        `${below} ${below === 1 ? 'person' : 'people'}${extra ? ` (${belowRows.length} lines)` : ''} below ${percent(threshold)} listed first.`,
      ),
    );
  }
  lines.push('');
  for (const r of sorted.slice(0, limit)) {
    const name = escapeMd(r.name);
    if (r.probability !== null) {
      const mark = r.probability < threshold ? '🔴' : '🟢';
      const f = r.factors[0]?.text;
      lines.push(`- ${mark} ${name} ${metricName(r.metric, lang)} **${percent(r.probability)}**${f ? ` · ${f}` : ''}`);
    } else {
      lines.push(`- ${name} ${metricName(r.metric, lang)} ${t(lang, '节奏推算', 'pace')} ${percent(r.paceProjected / r.target)}（${amount(r.metric, r.paceProjected, lang)} / ${amount(r.metric, r.target, lang)}）`);
    }
  }
  if (sorted.length > limit) lines.push(t(lang, `…还有 ${sorted.length - limit} 项，发「预测 姓名」看某一位`, `…and ${sorted.length - limit} more lines; send "forecast <name>" for one`));
  return lines.join('\n');
}
