import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { activitySchema } from '../../../src/adapters/mongo/models/activity.model.js';
import { dealSchema } from '../../../src/adapters/mongo/models/deal.model.js';
import { goalSchema } from '../../../src/adapters/mongo/models/goal.model.js';
import { personSchema } from '../../../src/adapters/mongo/models/person.model.js';
import { quarterSchema } from '../../../src/adapters/mongo/models/quarter.model.js';
import { generateCompany } from '../../../src/demo/company.js';
import { quarterChunks } from '../../../src/demo/rep-quarter.js';

// Models on a private Mongoose instance: validation needs no connection.
const m = new mongoose.Mongoose();
const Activity = m.model('Activity', activitySchema);
const Deal = m.model('Deal', dealSchema);
const Goal = m.model('Goal', goalSchema);
const Person = m.model('Person', personSchema);
const Quarter = m.model('Quarter', quarterSchema);

describe('generated documents fit the mongoose models', () => {
  const c = generateCompany({ size: 10, now: new Date('2026-11-26T10:00:00+08:00') });
  const { activities, deals } = [...quarterChunks(c, 10)][0]!;

  it.each([
    ['people', () => c.people.map((d) => new Person(d))],
    ['goals', () => c.goals.map((d) => new Goal(d))],
    ['quarter', () => [new Quarter(c.quarter)]],
    ['activities', () => activities.map((d) => new Activity(d))],
    ['deals', () => deals.map((d) => new Deal(d))],
  ])('%s validate', async (_name, build) => {
    const docs = build();
    expect(docs.length).toBeGreaterThan(0);
    for (const d of docs) await d.validate();
  });

  it('keeps every field it sets (nothing silently dropped by strict schemas)', () => {
    const a = activities.find((x) => x.type === 'visit' && x.source === 'salesforce' && x.matchGroup)!;
    const doc = new Activity(a).toObject();
    for (const [k, v] of Object.entries(a)) if (v !== undefined) expect(doc, k).toHaveProperty(k);
    const g = new Goal(c.goals[0]).toObject();
    for (const [k, v] of Object.entries(c.goals[0]!)) if (v !== undefined) expect(g, k).toHaveProperty(k);
  });
});
