/**
 * The alignment board as a vega-lite spec (pure; rendered by adapters/charts/vega-renderer.ts).
 *
 * A Gantt-style quarter timeline with one row per person under a manager: each goal is a bar from the
 * day it was submitted to the quarter's end, lighter until approved; the bar takes the colour of the
 * manager's focus industry it serves, red when the goal is misaligned, grey while only a draft. The status
 * is written on the bar; a right-hand panel shows the targets and the reason for any red. Rows are 14-16 px
 * (see rowStep), so 60 people fit in a ~1,000 px tall image and stay legible at the renderer's 2× scale.
 */
import { DateTime } from 'luxon';
import type { TopLevelSpec } from 'vega-lite';

export type BoardStatus = 'none' | 'draft' | 'submitted' | 'approved' | 'returned';

export interface BoardRow {
  /** Unique per row (the person's id); labels may repeat. */
  id: string;
  label: string;
  isManager: boolean;
  status: BoardStatus;
  statusText: string;
  openedAt?: Date | undefined;
  submittedAt?: Date | undefined;
  decidedAt?: Date | undefined;
  misaligned: boolean;
  /** Palette entry (an industry) the goal serves; undefined when it has none. */
  colorKey?: string | undefined;
  targetsText: string;
  /** The red reason, an amber roll-up warning, or the goal's industries. */
  note: string;
  noteIsWarning?: boolean | undefined;
}

export interface AlignmentBoardInput {
  title: string;
  subtitle: string;
  lang: 'zh' | 'en';
  zone: string;
  quarter: { start: Date; end: Date; reviewAt?: Date | undefined };
  now: Date;
  /** Heading of the right-hand panel, e.g. "目标（签约额 / 新客户数）· 说明". */
  notesTitle: string;
  /** Industries in colour order: the manager's own focus industries first. */
  palette: readonly string[];
  rows: readonly BoardRow[];
}

export const BOARD_COLORS = {
  industries: ['#4C78A8', '#54A24B', '#F58518', '#72B7B2', '#B279A2', '#9D755D', '#EECA3B', '#FF9DA6'],
  misaligned: '#D62728',
  draft: '#C7C7C7',
  returned: '#9E9E9E',
  track: '#F0F0F0',
  warning: '#B26B00',
} as const;

/**
 * Row height: 16 px for small teams, down to 13 px so that up to ~60 rows keep the whole image under
 * 1,000 CSS px tall — beyond that librsvg renders the SVG in several tiles and a board costs ~2.5× more.
 */
const MAX_ROW_STEP = 16;
const MIN_ROW_STEP = 13;
/** Title, panel titles, axis and legend, in CSS px. */
const CHROME_HEIGHT = 120;
const SINGLE_TILE_HEIGHT = 1000;

export function rowStep(rows: number): number {
  return Math.max(MIN_ROW_STEP, Math.min(MAX_ROW_STEP, Math.floor((SINGLE_TILE_HEIGHT - CHROME_HEIGHT) / Math.max(1, rows))));
}
const GANTT_WIDTH = 430;
const NOTE_WIDTH = 390;
const DAY_MS = 86_400_000;

export function alignmentBoardSpec(input: AlignmentBoardInput): TopLevelSpec {
  const zh = input.lang === 'zh';
  const start = input.quarter.start.getTime();
  const days = Math.max(1, Math.round((input.quarter.end.getTime() - start) / DAY_MS));
  const dayOf = (d: Date) => Math.min(days, Math.max(0, (d.getTime() - start) / DAY_MS));
  const palette = input.palette.slice(0, BOARD_COLORS.industries.length);
  const colorOfKey = new Map(palette.map((k, i) => [k, BOARD_COLORS.industries[i]!]));
  const otherLabel = zh ? '其他方向' : 'Other direction';
  const redLabel = zh ? '方向不一致' : 'Misaligned';
  const draftLabel = zh ? '草稿 / 已退回' : 'Draft / sent back';

  const step = rowStep(input.rows.length);
  const rowKey = (r: BoardRow) => `${r.id}`;
  const labels = uniqueLabels(input.rows.map((r) => (r.isManager ? `${r.label}${zh ? '（主管）' : ' (mgr)'}` : r.label)));
  const data: Array<Record<string, unknown>> = [];
  input.rows.forEach((r, i) => {
    const row = labels[i]!;
    const legend = r.misaligned ? redLabel : r.colorKey && colorOfKey.has(r.colorKey) ? r.colorKey : otherLabel;
    const color = r.misaligned ? BOARD_COLORS.misaligned : (r.colorKey && colorOfKey.get(r.colorKey)) || '#8C8C8C';
    data.push({ kind: 'track', row, key: rowKey(r), x: 0, x2: days });
    const seg = (from: number, to: number, c: string, opacity: number, legendKey: string) =>
      to > from && data.push({ kind: 'seg', row, x: from, x2: to, color: c, opacity, legend: legendKey });
    const submitted = r.submittedAt ? dayOf(r.submittedAt) : undefined;
    const decided = r.decidedAt ? dayOf(r.decidedAt) : undefined;
    let textAt: number | undefined;
    if (r.status === 'draft') {
      textAt = r.openedAt ? dayOf(r.openedAt) : 0;
      seg(textAt, days, BOARD_COLORS.draft, 1, draftLabel);
    } else if (r.status === 'submitted' && submitted !== undefined) {
      textAt = submitted;
      seg(submitted, days, color, 0.5, legend);
    } else if ((r.status === 'approved' || r.status === 'returned') && submitted !== undefined) {
      textAt = submitted;
      const at = decided ?? submitted;
      seg(submitted, at, color, 0.5, legend);
      if (r.status === 'approved') seg(at, days, color, 1, legend);
      else seg(at, days, BOARD_COLORS.returned, 1, draftLabel);
    }
    // Text sits at the bar's start, or at the track's start for people with nothing yet.
    data.push({ kind: 'status', row, x: Math.min(textAt ?? 0, days - 6), text: r.statusText, color: textAt === undefined ? '#888' : '#1a1a1a' });
    data.push({ kind: 'note', row, col: 'targets', text: r.targetsText || '—', color: '#333' });
    data.push({ kind: 'note', row, col: 'note', text: r.note, color: r.misaligned ? BOARD_COLORS.misaligned : r.noteIsWarning ? BOARD_COLORS.warning : '#666' });
  });

  const ticks: number[] = [];
  const tickLabels: string[] = [];
  for (let d = 0; d <= days; d += 7) {
    ticks.push(d);
    tickLabels.push(DateTime.fromMillis(start + d * DAY_MS, { zone: input.zone }).toFormat('M/d'));
  }
  const nowDay = (input.now.getTime() - start) / DAY_MS;
  if (nowDay >= 0 && nowDay <= days) data.push({ kind: 'today', x: nowDay, text: `${zh ? '今天' : 'Today'} ${fmtDay(input.now, input.zone)}` });
  if (input.quarter.reviewAt) {
    data.push({ kind: 'review', x: dayOf(input.quarter.reviewAt), text: `${zh ? '评审会' : 'Review'} ${fmtDay(input.quarter.reviewAt, input.zone)}` });
  }

  // The legend lists only colours that appear, in palette order.
  const used = new Set(data.filter((d) => d.kind === 'seg').map((d) => d.legend as string));
  const legendAll: Array<[string, string]> = [...palette.map((k): [string, string] => [k, colorOfKey.get(k)!]), [otherLabel, '#8C8C8C'], [redLabel, BOARD_COLORS.misaligned], [draftLabel, BOARD_COLORS.draft]];
  const legendShown = legendAll.filter(([k]) => used.has(k));
  const legendDomain = legendShown.map(([k]) => k);
  const legendRange = legendShown.map(([, c]) => c);
  const y = { field: 'row', type: 'nominal' as const, sort: labels, title: null };
  const only = (kind: string) => ({ filter: `datum.kind === '${kind}'` });

  const gantt = {
    width: GANTT_WIDTH,
    height: { step },
    title: { text: zh ? '时间线：提交 → 审批（浅色）→ 已通过（深色）' : 'Timeline: submitted → approval (light) → approved (solid)', fontSize: 11, fontWeight: 'normal', color: '#555', anchor: 'start' },
    layer: [
      {
        transform: [only('track')],
        mark: { type: 'bar', height: { band: 0.72 }, color: BOARD_COLORS.track },
        encoding: {
          y: { ...y, axis: { labelFontSize: 11, labelLimit: 120, ticks: false, domain: false, labelPadding: 6 } },
          x: {
            field: 'x',
            type: 'quantitative',
            scale: { domain: [0, days], nice: false, zero: false },
            title: null,
            axis: { values: ticks, labelExpr: `${JSON.stringify(tickLabels)}[round(datum.value / 7)]`, grid: true, gridColor: '#e3e3e3', orient: 'bottom', labelFontSize: 10 },
          },
          x2: { field: 'x2' },
        },
      },
      {
        transform: [only('seg')],
        mark: { type: 'bar', height: { band: 0.72 } },
        encoding: {
          y,
          x: { field: 'x', type: 'quantitative' },
          x2: { field: 'x2' },
          color: {
            field: 'legend',
            type: 'nominal',
            scale: { domain: legendDomain, range: legendRange },
            legend: { orient: 'bottom', title: null, direction: 'horizontal', columns: 6, symbolType: 'square', labelFontSize: 11 },
          },
          opacity: { field: 'opacity', type: 'quantitative', scale: null, legend: null },
        },
      },
      // Status on the bar: dark text over a white halo reads on light and dark segments alike.
      {
        transform: [only('status')],
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 3, fontSize: 10, color: 'white', stroke: 'white', strokeWidth: 2.5, strokeOpacity: 0.85, strokeJoin: 'round' },
        encoding: { y, x: { field: 'x', type: 'quantitative' }, text: { field: 'text' } },
      },
      {
        transform: [only('status')],
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 3, fontSize: 10 },
        encoding: { y, x: { field: 'x', type: 'quantitative' }, text: { field: 'text' }, color: { field: 'color', type: 'nominal', scale: null } },
      },
      // Today (solid) and the review meeting (dashed), labelled above the first row so they never cover one.
      ...(['today', 'review'] as const).flatMap((kind) => [
        { transform: [only(kind)], mark: { type: 'rule', color: kind === 'today' ? '#222' : '#7f3fbf', strokeWidth: 1.2, ...(kind === 'review' ? { strokeDash: [4, 3] } : {}) }, encoding: { x: { field: 'x', type: 'quantitative' } } },
        {
          transform: [only(kind)],
          mark: { type: 'text', baseline: 'bottom', align: kind === 'today' ? 'right' : 'left', dx: kind === 'today' ? -2 : 2, fontSize: 10, color: kind === 'today' ? '#222' : '#7f3fbf' },
          encoding: { x: { field: 'x', type: 'quantitative' }, y: { value: -3 }, text: { field: 'text' } },
        },
      ]),
    ],
  };
  const notes = {
    width: NOTE_WIDTH,
    height: { step },
    title: { text: input.notesTitle, fontSize: 11, fontWeight: 'normal', color: '#555', anchor: 'start' },
    transform: [only('note')],
    encoding: { y: { ...y, axis: null } },
    layer: [
      {
        transform: [{ filter: "datum.col === 'targets'" }],
        mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: 10, limit: 110 },
        encoding: { x: { datum: 0, type: 'quantitative', scale: { domain: [0, NOTE_WIDTH], range: [0, NOTE_WIDTH] }, axis: null }, text: { field: 'text' }, color: { field: 'color', type: 'nominal', scale: null } },
      },
      {
        transform: [{ filter: "datum.col === 'note'" }],
        mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: 10, limit: NOTE_WIDTH - 118 },
        encoding: { x: { datum: 118, type: 'quantitative' }, text: { field: 'text' }, color: { field: 'color', type: 'nominal', scale: null } },
      },
    ],
  };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: input.title, subtitle: input.subtitle, anchor: 'start', fontSize: 16, subtitleFontSize: 12, subtitleColor: '#555', offset: 10 },
    padding: { left: 12, right: 16, top: 12, bottom: 12 },
    data: { values: data },
    hconcat: [gantt, notes],
    spacing: 8,
    resolve: { scale: { y: 'shared', color: 'independent' } },
    config: { view: { stroke: null }, axis: { labelColor: '#333', titleColor: '#333' }, concat: { spacing: 8 } },
  };
  return spec as unknown as TopLevelSpec;
}

function fmtDay(d: Date, zone: string): string {
  return DateTime.fromJSDate(d, { zone }).toFormat('M/d');
}

/** Two people named 张伟 stay two rows: later ones get invisible zero-width suffixes. */
function uniqueLabels(labels: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((l) => {
    const n = seen.get(l) ?? 0;
    seen.set(l, n + 1);
    return n === 0 ? l : l + '\u200b'.repeat(n);
  });
}
