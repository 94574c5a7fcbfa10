import { canView, managerChain, reportsUnder, type Viewer } from '../../domain/org/access.js';
import type { Models } from './models/index.js';
import type { PersonDoc } from './models/person.model.js';

export type Person = PersonDoc & { _id: string };

/**
 * People and reporting lines. Org-wide questions (reports under a manager, may X see Y) load the
 * manager links in one query and walk them in memory: no $graphLookup needed, and ~10k people is small.
 */
export class PeopleRepository {
  constructor(private readonly m: Pick<Models, 'Person'>) {}

  async get(id: string): Promise<Person | null> {
    return (await this.m.Person.findById(id).lean()) as Person | null;
  }

  async getMany(ids: readonly string[]): Promise<Person[]> {
    return (await this.m.Person.find({ _id: { $in: ids } }).lean()) as Person[];
  }

  /** The ids of every active person, sorted: only the ids are read (the whole documents of 50,000 people are tens of MB). */
  async activeIds(): Promise<string[]> {
    return (await this.m.Person.find({ isActive: true }, { _id: 1 }).sort({ _id: 1 }).lean()).map((p) => String(p._id));
  }

  /** id → managerId for every active person. */
  async managerLinks(): Promise<Map<string, string | null>> {
    const rows = await this.m.Person.find({ isActive: true }, { _id: 1, managerId: 1 }).lean();
    return new Map(rows.map((r) => [String(r._id), r.managerId ?? null]));
  }

  async directReports(managerId: string): Promise<Person[]> {
    return (await this.m.Person.find({ managerId, isActive: true }).lean()) as Person[];
  }

  /** Direct and indirect reports' ids. */
  async allReports(managerId: string): Promise<string[]> {
    const links = await this.managerLinks();
    const children = new Map<string, string[]>();
    for (const [id, mgr] of links) if (mgr) children.set(mgr, [...(children.get(mgr) ?? []), id]);
    return reportsUnder(managerId, (id) => children.get(id) ?? []);
  }

  async managerChainOf(id: string): Promise<string[]> {
    const links = await this.managerLinks();
    return managerChain(id, (x) => links.get(x));
  }

  async canView(viewer: Viewer, subjectId: string): Promise<boolean> {
    if (viewer.id === subjectId || viewer.role === 'hr') return true;
    if (viewer.role !== 'manager') return false;
    const links = await this.managerLinks();
    return canView(viewer, subjectId, (x) => links.get(x));
  }
}
