import type { Models } from '../../adapters/mongo/models/index.js';

/**
 * Reps in slices of about `size`, whole teams together (a rep's factors compare with the median of the
 * reps of the same manager, so a team is never split; a team bigger than `size` is a slice of its own).
 */
export async function repSlices(models: Models, size: number): Promise<string[][]> {
  const reps = await models.Person.find({ role: 'rep' }, { _id: 1, managerId: 1 }).sort({ _id: 1 }).lean();
  const teams = new Map<string, string[]>();
  for (const r of reps) teams.set(String(r.managerId ?? ''), [...(teams.get(String(r.managerId ?? '')) ?? []), String(r._id)]);
  const slices: string[][] = [];
  let cur: string[] = [];
  for (const team of teams.values()) {
    if (cur.length && cur.length + team.length > size) (slices.push(cur), (cur = []));
    cur.push(...team);
  }
  if (cur.length) slices.push(cur);
  return slices;
}
