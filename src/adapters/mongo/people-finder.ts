import type { Models } from './models/index.js';
import type { Person } from './people-repository.js';

export type FindResult = { kind: 'one'; person: Person } | { kind: 'none' } | { kind: 'many'; people: Person[] };

/** Finds an active person by userid or exact name, as people type them after a command (查看目标 张伟). */
export class PeopleFinder {
  constructor(private readonly m: Pick<Models, 'Person'>) {}

  async find(query: string): Promise<FindResult> {
    const q = query.trim().replace(/^@/, '');
    if (!q) return { kind: 'none' };
    const byId = (await this.m.Person.findOne({ _id: q, isActive: true }).lean()) as Person | null;
    if (byId) return { kind: 'one', person: byId };
    const byName = (await this.m.Person.find({ name: q, isActive: true }).limit(10).lean()) as Person[];
    if (byName.length === 1) return { kind: 'one', person: byName[0]! };
    if (byName.length > 1) return { kind: 'many', people: byName };
    return { kind: 'none' };
  }

  /** People at the top of the org (no manager) who lead someone: where the company-wide board starts. */
  async roots(): Promise<Person[]> {
    const tops = (await this.m.Person.find({ isActive: true, managerId: null }).lean()) as Person[];
    const leading = await this.m.Person.distinct('managerId', { isActive: true, managerId: { $in: tops.map((t) => t._id) } });
    return tops.filter((t) => leading.includes(t._id));
  }
}
