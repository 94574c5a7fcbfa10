/** Who may see whose data. Pure: the caller supplies the reporting lines. */

export type Role = 'rep' | 'manager' | 'hr';

export interface Viewer {
  id: string;
  role: Role;
}

/** Walks manager links upward from `id` (excluding `id`), stopping at cycles. */
export function managerChain(id: string, managerOf: (id: string) => string | null | undefined): string[] {
  const chain: string[] = [];
  const seen = new Set([id]);
  let cur = managerOf(id);
  while (cur && !seen.has(cur)) {
    chain.push(cur);
    seen.add(cur);
    cur = managerOf(cur);
  }
  return chain;
}

/**
 * A rep sees only themselves; a manager sees themselves and their direct and indirect reports; HR sees all.
 */
export function canView(viewer: Viewer, subjectId: string, managerOf: (id: string) => string | null | undefined): boolean {
  if (viewer.id === subjectId || viewer.role === 'hr') return true;
  if (viewer.role !== 'manager') return false;
  return managerChain(subjectId, managerOf).includes(viewer.id);
}

/** Everyone below `managerId` (direct and indirect), breadth-first. */
export function reportsUnder(managerId: string, directReports: (id: string) => readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set([managerId]);
  const queue = [managerId];
  while (queue.length) {
    const id = queue.shift()!;
    for (const r of directReports(id)) {
      if (seen.has(r)) continue;
      seen.add(r);
      out.push(r);
      queue.push(r);
    }
  }
  return out;
}
