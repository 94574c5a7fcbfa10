/**
 * A seeded 56-rep sales team for the alignment-board example and its tests: a director, four first-line
 * managers with 14 reps each, goals in every status, a few misaligned. Small and deterministic on purpose;
 * the shared demo-company generator lives elsewhere.
 */
import type { AlignmentBoardInput } from '../src/domain/charts/alignment-board.js';
import type { BoardGoal, BoardPerson } from '../src/domain/goals/board-rows.js';
import { buildBoardRows } from '../src/domain/goals/board-rows.js';
import { DEFAULT_METRICS } from '../src/domain/goals/metrics.js';
import { Rng } from '../src/demo/prng.js';

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石';
const GIVEN = ['伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀兰', '霞', '平', '刚', '桂英', '子涵', '浩然'];


export const EXAMPLE_QUARTER = {
  id: '2026Q4',
  start: new Date('2026-09-30T16:00:00Z'),
  end: new Date('2026-12-31T16:00:00Z'),
  reviewAt: new Date('2026-12-25T06:00:00Z'),
};
export const EXAMPLE_NOW = new Date('2026-10-23T09:00:00Z');
const DAY = 86_400_000;

export function exampleTeam(seed = 56): { people: BoardPerson[]; goals: BoardGoal[] } {
  // Seeded, so the committed PNG is reproducible.
  const rng = new Rng(seed);
  const r = () => rng.next();
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const used = new Set<string>();
  const name = () => {
    for (;;) {
      const n = pick([...SURNAMES]) + pick(GIVEN);
      if (!used.has(n)) {
        used.add(n);
        return n;
      }
    }
  };
  const at = (day: number) => new Date(EXAMPLE_QUARTER.start.getTime() + day * DAY + Math.floor(r() * 8) * 3_600_000);
  const goal = (ownerId: string, amount: number, customers: number, industries: string[], status: BoardGoal['status'], submittedDay: number | null): BoardGoal => ({
    ownerId,
    status,
    targets: status === 'draft' ? [] : [
      { metric: 'signed_amount', value: amount },
      { metric: 'new_customers', value: customers },
    ],
    industries: status === 'draft' ? [] : industries,
    keyAccounts: [],
    openedAt: at(Math.max(0, (submittedDay ?? 10) - 1)),
    submittedAt: submittedDay === null || status === 'draft' ? null : at(submittedDay),
    decidedAt: status === 'approved' || status === 'returned' ? at((submittedDay ?? 0) + 1 + Math.floor(r() * 5)) : null,
  });

  const people: BoardPerson[] = [{ id: 'dir', name: '陈建国', managerId: null }];
  const goals: BoardGoal[] = [];
  const teams: Array<{ industries: string[]; underTarget: boolean }> = [
    { industries: ['制造业'], underTarget: false },
    { industries: ['能源', '制造业'], underTarget: false },
    { industries: ['金融'], underTarget: true },
    { industries: ['能源'], underTarget: false },
  ];
  teams.forEach((t, ti) => {
    const mid = `mgr${ti + 1}`;
    people.push({ id: mid, name: name(), managerId: 'dir' });
    let sum = 0;
    for (let i = 0; i < 14; i++) {
      const id = `rep${ti + 1}${String(i + 1).padStart(2, '0')}`;
      people.push({ id, name: name(), managerId: mid });
      const roll = r();
      if (roll < 0.07) continue; // never opened the card
      const status: BoardGoal['status'] = roll < 0.14 ? 'draft' : roll < 0.3 ? 'submitted' : roll < 0.35 ? 'returned' : 'approved';
      const misaligned = r() < 0.12;
      const industries = misaligned ? [pick(['教育', '医疗', '零售'])] : [pick(t.industries), ...(r() < 0.3 ? [pick(t.industries)] : [])].filter((x, k, a) => a.indexOf(x) === k);
      const amount = (40 + Math.floor(r() * 110)) * 10_000;
      sum += status === 'draft' ? 0 : amount;
      goals.push(goal(id, amount, 5 + Math.floor(r() * 20), industries, status, 1 + Math.floor(r() * 14)));
    }
    const target = t.underTarget ? Math.round((sum * 1.4) / 10_000) * 10_000 : Math.round((sum * 0.95) / 10_000) * 10_000;
    goals.push(goal(mid, target, 150, t.industries, 'approved', 0));
  });
  // The director's target sits just under the managers' sum, so the managers roll up.
  const managersSum = goals.filter((g) => g.ownerId.startsWith('mgr')).reduce((s, g) => s + g.targets[0]!.value, 0);
  goals.push(goal('dir', Math.floor((managersSum * 0.98) / 100_000) * 100_000, 560, ['制造业', '能源', '金融'], 'approved', 0));
  return { people, goals };
}

/** The board input exactly as the service builds it, from the example team. */
export function exampleBoardInput(seed = 56): AlignmentBoardInput {
  const { people, goals } = exampleTeam(seed);
  const built = buildBoardRows({ rootId: 'dir', people, goals, metrics: DEFAULT_METRICS, company: { industries: ['制造业', '能源', '金融'], keyAccounts: [] }, lang: 'zh' });
  const c = built.counts;
  return {
    title: `${EXAMPLE_QUARTER.id} 目标对齐看板 · 陈建国团队`,
    subtitle: `${built.rows.length} 人 · 已通过 ${c.approved} · 待审批 ${c.submitted} · 已退回 ${c.returned} · 草稿 ${c.draft} · 未开始 ${c.none} · 方向不一致 ${built.misaligned}（红色） · 截至 10月23日`,
    notesTitle: '目标（签约额 / 新客户数） · 不一致原因 / 方向',
    lang: 'zh',
    zone: 'Asia/Shanghai',
    quarter: EXAMPLE_QUARTER,
    now: EXAMPLE_NOW,
    palette: built.palette,
    rows: built.rows,
  };
}
