import type { Document } from 'mongodb';
import type { Models } from '../../adapters/mongo/models/index.js';
import type { Alignment, GoalLike } from '../../domain/goals/alignment.js';
import { alignmentInTree, alignmentTree, type AlignmentTree } from '../../domain/goals/alignment-tree.js';
import type { MetricDef } from '../../domain/goals/metrics.js';

/**
 * The alignment GET /api/v1/goals reports, by the rule every chat view uses (domain/goals/alignment-tree):
 * checked at read time against today's reporting lines and everyone's current goals of that quarter. What a
 * goal stored at submission is only a record of that moment (demo and imported goals store "unknown", and it
 * goes stale when the team's goals change), so IT must not see a different answer from the one in chat.
 *
 * One tree per quarter on the page: active people (id, name, manager) and that quarter's goals, read once
 * per page, never per goal. People who have left are checked against the company direction only, as their
 * manager no longer counts them.
 */
export async function liveAlignments(m: Models, page: readonly Document[]): Promise<Map<string, Alignment | null>> {
  const out = new Map<string, Alignment | null>();
  const quarters = [...new Set(page.map((d) => String(d.quarterId)))];
  if (quarters.length === 0) return out;
  const people = (await m.Person.find({ isActive: true }, { name: 1, managerId: 1 }).lean()).map((p) => ({
    id: String(p._id),
    name: String(p.name),
    managerId: p.managerId ?? null,
  }));
  for (const quarterId of quarters) {
    const tree = await quarterTree(m, quarterId, people);
    for (const d of page) if (String(d.quarterId) === quarterId) out.set(String(d._id), tree ? alignmentInTree(tree, String(d.ownerId)) : null);
  }
  return out;
}

async function quarterTree(m: Models, quarterId: string, people: Parameters<typeof alignmentTree>[0]): Promise<AlignmentTree | null> {
  const q = await m.Quarter.findById(quarterId, { metrics: 1, direction: 1 }).lean();
  if (!q) return null;
  const goals = await m.Goal.find({ quarterId }, { ownerId: 1, status: 1, targets: 1, industries: 1, keyAccounts: 1 }).lean();
  const likes: GoalLike[] = goals.map((g) => ({
    ownerId: String(g.ownerId),
    status: g.status,
    targets: (g.targets ?? []).map((t) => ({ metric: String(t.metric), value: Number(t.value) })),
    industries: [...(g.industries ?? [])],
    keyAccounts: [...(g.keyAccounts ?? [])],
  }));
  const metrics: MetricDef[] = (q.metrics ?? []).map((x) => ({ key: x.key, name: x.name, nameEn: x.nameEn ?? x.name, unit: x.unit, kind: x.kind ?? 'kpi' }));
  const direction = { industries: [...(q.direction?.industries ?? [])], keyAccounts: [...(q.direction?.keyAccounts ?? [])] };
  return alignmentTree(people, likes, metrics, direction);
}
