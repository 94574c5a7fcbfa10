/** Values for cards/quarter-setup.json: HR's quarter form, prefilled from what is stored or from defaults. Pure. */
import { DateTime } from 'luxon';
import type { CardValue } from '../cards/fill-card.js';
import { formatLocal } from '../time/calendar.js';
import type { FieldError } from './goal-form.js';
import { errorsMarkdown } from './goal-view.js';
import { metricName, type MetricDef } from './metrics.js';
import { joinList, type Lang, type Msg } from './msg.js';
import { escapeMarkdown } from '../text/markdown.js';
import { metricsToText } from './quarter-form.js';

export interface QuarterView {
  start: Date;
  /** Exclusive. */
  end: Date;
  reviewAt: Date;
  metrics: readonly MetricDef[];
  industryOptions: readonly string[];
  direction: { industries: readonly string[]; keyAccounts: readonly string[] };
}

export interface QuarterCardState {
  lang: Lang;
  zone: string;
  quarterId: string;
  /** 0 while the quarter is not stored yet. */
  revision: number;
  /** Stored quarter, or the defaults for a new one. */
  view: QuarterView;
  stored: boolean;
  updatedByName?: string;
  entered?: Readonly<Record<string, unknown>>;
  errors?: readonly FieldError[];
  notice?: Msg;
}

const UNIT = { cny: { zh: '元', en: 'CNY' }, count: { zh: '个', en: 'count' }, percent: { zh: '%', en: '%' } } as const;

export function quarterCardValues(s: QuarterCardState): Record<string, CardValue> {
  const zh = s.lang === 'zh';
  const day = (d: Date) => DateTime.fromJSDate(d, { zone: s.zone }).toFormat('yyyy-MM-dd');
  const shown = (field: string, fallback: string) => {
    const e = s.entered?.[field];
    return s.entered && e !== undefined ? String(e) : fallback;
  };
  return {
    title: zh ? `季度设置 · ${s.quarterId}` : `Quarter set-up · ${s.quarterId}`,
    headerColor: s.stored ? 'green' : 'blue',
    subtitle: s.stored
      ? zh
        ? `第 ${s.revision} 版${s.updatedByName ? ` · 最近由 ${s.updatedByName} 保存` : ''}。修改后点保存即可生效。`
        : `Revision ${s.revision}${s.updatedByName ? ` · last saved by ${s.updatedByName}` : ''}. Edit and save to apply.`
      : zh
        ? '本季度尚未设置。已按日历季度预填，请核对后保存。'
        : 'Not set up yet. Prefilled with the calendar quarter; check and save.',
    hasNotice: s.notice !== undefined,
    noticeText: s.notice?.[s.lang] ?? '',
    hasErrors: (s.errors?.length ?? 0) > 0,
    errorsText: s.errors?.length ? errorsMarkdown(s.errors, s.lang) : '',
    hasSaved: s.stored,
    savedText: s.stored ? savedText(s) : '',
    startLabel: zh ? '开始日期（如 2026-10-01）' : 'First day (e.g. 2026-10-01)',
    startValue: shown('startDate', day(s.view.start)),
    endLabel: zh ? '结束日期（最后一天）' : 'Last day',
    endValue: shown('endDate', day(new Date(s.view.end.getTime() - 1))),
    reviewLabel: zh ? '评审会时间（如 2026-12-25 14:00）' : 'Review meeting (e.g. 2026-12-25 14:00)',
    reviewValue: shown('reviewAt', DateTime.fromJSDate(s.view.reviewAt, { zone: s.zone }).toFormat('yyyy-MM-dd HH:mm')),
    metricsLabel: zh ? '跟踪指标（每行一个：名称 单位，单位为 元 / 个 / %，例如「方案定制率 %」）' : 'Tracked metrics (one per line: name unit, unit 元 / 个 / %, e.g. "方案定制率 %")',
    metricsValue: shown('metrics', metricsToText(s.view.metrics)),
    industryOptionsLabel: zh ? '可选行业（用顿号或换行分隔）' : 'Industries people choose from',
    industryOptionsValue: shown('industryOptions', s.view.industryOptions.join('、')),
    focusLabel: zh ? '公司主攻行业（从可选行业中选）' : 'Company focus industries (from the list)',
    focusValue: shown('focusIndustries', s.view.direction.industries.join('、')),
    accountsLabel: zh ? '公司重点客户（每行一个）' : 'Company key accounts (one per line)',
    accountsValue: shown('keyAccounts', s.view.direction.keyAccounts.join('\n')),
    saveText: zh ? '保存' : 'Save',
    quarterId: s.quarterId,
    revision: String(s.revision),
  };
}

function savedText(s: QuarterCardState): string {
  const zh = s.lang === 'zh';
  const v = s.view;
  const lastDay = DateTime.fromJSDate(v.end, { zone: s.zone }).minus({ days: 1 }).toFormat('yyyy-MM-dd');
  const first = DateTime.fromJSDate(v.start, { zone: s.zone }).toFormat('yyyy-MM-dd');
  const metrics = v.metrics.map((m) => `${metricName(m, s.lang)}（${UNIT[m.unit][s.lang]}）`);
  // HR typed these (metric names, industries, customers): escaped where they enter the card's markdown.
  const l = (items: readonly string[]) => joinList(items.map(escapeMarkdown), s.lang) || '—';
  return (zh
    ? [
        `**已保存（第 ${s.revision} 版）**`,
        `- 日期：${first} 至 ${lastDay}`,
        `- 评审会：${formatLocal(v.reviewAt, s.zone, 'zh')}`,
        `- 跟踪指标：${l(metrics)}`,
        `- 公司主攻行业：${l(v.direction.industries)}`,
        `- 公司重点客户：${l(v.direction.keyAccounts)}`,
        `- 可选行业：${l(v.industryOptions)}`,
      ]
    : [
        `**Saved (revision ${s.revision})**`,
        `- Dates: ${first} to ${lastDay}`,
        `- Review meeting: ${formatLocal(v.reviewAt, s.zone, 'en')}`,
        `- Metrics: ${l(metrics)}`,
        `- Company focus industries: ${l(v.direction.industries)}`,
        `- Company key accounts: ${l(v.direction.keyAccounts)}`,
        `- Industry list: ${l(v.industryOptions)}`,
      ]
  ).join('\n');
}
