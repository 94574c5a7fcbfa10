import type { Document } from 'mongodb';
import { goalOf } from '../../adapters/mongo/goal-repository.js';
import type { Models } from '../../adapters/mongo/models/index.js';
import { quarterConfigOf } from '../../adapters/mongo/quarter-repository.js';
import type { Alignment } from '../../domain/goals/alignment.js';
import { alignmentInTree, alignmentTree, type AlignmentTree } from '../../domain/goals/alignment-tree.js';
import { likeOf } from '../goals/goal-context.js';

/**
 * The alignment GET /api/v1/goals reports, by the rule every chat view uses (domain/goals/alignment-tree):
 * checked at read time against today's reporting lines and everyone's current goals of that quarter. What a
 * goal stored at submission is only a record of that moment (demo and imported goals store "unknown", and it
 * goes stale when the team's goals change), so IT must not see a different answer from the one in chat.
 *
 * One tree per quarter on the page: active people (id, name, manager) and that quarter's goals, read once
 * per page, never per goal, and mapped by the repositories' own mappers (the defaults chat reads with).
 * People who have left are checked against the company direction only, as their manager no longer counts them.
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
  const doc = await m.Quarter.findById(quarterId).lean();
  if (!doc) return null;
  const q = quarterConfigOf(doc);
  const goals = (await m.Goal.find({ quarterId }).lean()).map((g) => likeOf(goalOf(g)));
  return alignmentTree(people, goals, q.metrics, q.direction);
}
