import { describe, expect, it } from 'vitest';
import { classifyNewCustomers } from '../../../src/domain/crm/new-customer.js';
import { accountFromRecord, opportunityToDeal, taskToActivity, eventToActivity, type SfMappingOptions, type SfRecord } from '../../../src/domain/crm/salesforce-records.js';
import { DEFAULT_SALESFORCE_TYPE_MAP, activityTypeFor, parseTypeMap } from '../../../src/domain/crm/type-map.js';
import { loadSample, SAMPLE_OWNER_ID } from '../../../src/fake-salesforce/sample-data.js';
import { compareBy, matches, parseSoql, SoqlError } from '../../../src/fake-salesforce/soql.js';
import { SfStore } from '../../../src/fake-salesforce/store.js';

const typeMap = (() => {
  const r = parseTypeMap(DEFAULT_SALESFORCE_TYPE_MAP);
  if (!r.ok) throw new Error(r.error);
  return r.map;
})();
const opts: SfMappingOptions = { zone: 'Asia/Shanghai', typeMap, taskTypeField: 'Type__c', cnyPerUnit: 1 };
const store = new SfStore(() => Date.parse('2026-11-24T02:00:00Z'));
const counts = loadSample(store);
const records = (name: string) => [...store.object(name).records.values()] as SfRecord[];

describe('the real Salesforce export as the REST API would return it', () => {
  it('loads every row of the sample, typed (booleans, numbers, nulls, addresses)', () => {
    expect(counts).toEqual({ Account: 22, Contact: 102, Opportunity: 50, Task: 75, Lead: 60 });
    const won = store.get('Opportunity', '006Ec00000AieKGIAZ');
    expect(won).toMatchObject({ StageName: 'Closed Won', Amount: 1651993.36, IsWon: true, IsClosed: true, Type: null, CloseDate: '2023-06-17' });
    expect(store.get('Account', '001Ec00000GGw3hIAD').BillingAddress).toMatchObject({ city: 'Katherinemouth', latitude: null });
  });

  it('maps every Task to an activity: Type__c to our types, the due date as a day, open tasks not completed', () => {
    const mapped = records('Task').map((r) => taskToActivity(r, opts));
    expect(mapped.every((m) => m.ok)).toBe(true);
    const byType = new Map<string, number>();
    for (const m of mapped) if (m.ok) byType.set(m.value.type, (byType.get(m.value.type) ?? 0) + 1);
    // Type__c in the export: Email 18, Call 17, Prep 15, Other 13, Meeting 12
    expect(Object.fromEntries(byType)).toEqual({ email: 18, call: 17, proposal: 15, other: 13, meeting: 12 });
    const first = mapped.find((m) => m.ok && m.value.sourceId === '00TEc00000Co1WhMAJ');
    expect(first?.ok && first.value).toMatchObject({
      source: 'salesforce',
      person: { kind: 'external', system: 'salesforce', id: SAMPLE_OWNER_ID },
      startAt: new Date('2023-12-24T16:00:00Z'), // 2023-12-25 00:00 in Shanghai
      completed: false,
      dims: { sfObject: 'Task', sfType: 'Prep', status: 'Not Started', dateOnly: true },
      sourceUpdatedAt: new Date('2024-01-23T17:50:51Z'),
    });
    // WhatId 001… is the account when AccountId is empty in the export.
    const withWhat = records('Task').find((r) => typeof r.WhatId === 'string' && r.WhatId.startsWith('001'))!;
    const a = taskToActivity(withWhat, opts);
    expect(a.ok && a.value.account?.id).toBe(withWhat.WhatId);
  });

  it('maps every Opportunity to a deal with whole-yuan amounts, won/closed flags and a close date', () => {
    const deals = records('Opportunity').map((r) => opportunityToDeal(r, { zone: 'Asia/Shanghai', cnyPerUnit: 1 }));
    expect(deals.every((d) => d.ok)).toBe(true);
    const vals = deals.flatMap((d) => (d.ok ? [d.value] : []));
    expect(vals.filter((d) => d.isWon)).toHaveLength(12);
    expect(vals.filter((d) => d.isClosed)).toHaveLength(15); // 12 won + 3 lost
    expect(vals.every((d) => Number.isSafeInteger(d.amountCny))).toBe(true);
    expect(vals.find((d) => d.sourceId === '006Ec00000AieKFIAZ')).toMatchObject({ amountCny: 1124741, stage: 'Qualification', isWon: false, closeDate: new Date('2024-11-09T16:00:00Z') });
    // USD org at 7.1 CNY per dollar: 1,651,993.36 × 7.1 = 11,729,152.856 → 11,729,153
    const usd = opportunityToDeal(store.get('Opportunity', '006Ec00000AieKGIAZ') as SfRecord, { zone: 'Asia/Shanghai', cnyPerUnit: 7.1 });
    expect(usd.ok && usd.value.amountCny).toBe(11_729_153);
  });

  it('maps accounts with their address, and coordinates when geocoded', () => {
    const acc = accountFromRecord(store.get('Account', '001Ec00000GGw3hIAD') as SfRecord);
    expect(acc).toEqual({ ok: true, value: expect.objectContaining({ name: 'Walker Henson and Compton', industry: 'Finance', address: '757 William Pass Apt. 782, Katherinemouth, ID, United States' }) });
    expect(acc.ok && acc.value.location).toBeUndefined();
    const geo = accountFromRecord({ Id: '001X', Name: 'Geo', BillingLatitude: 31.23, BillingLongitude: 121.47 });
    expect(geo.ok && geo.value.location).toEqual({ lat: 31.23, lng: 121.47 });
  });

  it('maps an Event with start and end; an all-day event has a day but no duration', () => {
    const ev = eventToActivity({ Id: '00U1', OwnerId: '005A', AccountId: '001Ec00000GGw3hIAD', StartDateTime: '2026-11-24T02:00:00.000+0000', EndDateTime: '2026-11-24T02:45:00.000+0000', Location: '上海市浦东新区', Type: 'Meeting', SystemModstamp: '2026-11-24T03:00:00.000+0000' }, opts);
    expect(ev.ok && ev.value).toMatchObject({ type: 'visit', startAt: new Date('2026-11-24T02:00:00Z'), endAt: new Date('2026-11-24T02:45:00Z'), location: { place: '上海市浦东新区' } });
    const allDay = eventToActivity({ Id: '00U2', OwnerId: '005A', IsAllDayEvent: true, ActivityDate: '2026-11-24', StartDateTime: '2026-11-24T00:00:00.000+0000', EndDateTime: '2026-11-25T00:00:00.000+0000', Type: 'Call' }, opts);
    expect(allDay.ok && allDay.value).toMatchObject({ type: 'call', startAt: new Date('2026-11-23T16:00:00Z'), dims: { allDay: true } });
    expect(allDay.ok && allDay.value.endAt).toBeUndefined();
    expect(eventToActivity({ Id: '00U3' }, opts)).toEqual({ ok: false, error: 'Event 00U3 has no OwnerId' });
  });
});

describe('type map', () => {
  it('maps by object and value, case-insensitively, with a per-object fallback', () => {
    expect(activityTypeFor(typeMap, 'Task', 'CALL')).toBe('call');
    expect(activityTypeFor(typeMap, 'Task', 'Something')).toBe('other');
    expect(activityTypeFor(typeMap, 'Event', null)).toBe('visit');
    expect(parseTypeMap('Task.Demo=Demo')).toEqual({ ok: false, error: '"Demo" is not a type key (lower-case letters, digits, _)' });
    expect(parseTypeMap('Opportunity.X=y').ok).toBe(false);
  });
});

describe('new vs existing customer', () => {
  const d = (sourceId: string, accountId: string | undefined, isWon: boolean, close: string, dealType?: string) => ({
    sourceId,
    accountId,
    isWon,
    closeDate: new Date(close),
    ...(dealType ? { dealType } : {}),
  });
  it('makes an account’s first won deal the new customer, later ones existing, and trusts Opportunity.Type', () => {
    const r = classifyNewCustomers([
      d('b', 'A', true, '2026-05-01'),
      d('a', 'A', true, '2026-02-01'),
      d('open-before', 'A', false, '2026-01-15'),
      d('open-after', 'A', false, '2026-06-01'),
      d('c', 'B', false, '2026-03-01'),
      d('typed', 'A', true, '2026-07-01', 'New Customer'),
      d('upgrade', 'C', true, '2026-01-01', 'Existing Customer - Upgrade'),
      d('no-account', undefined, true, '2026-01-01'),
    ]);
    expect(Object.fromEntries(r)).toEqual({ a: true, b: false, 'open-before': true, 'open-after': false, c: true, typed: true, upgrade: false, 'no-account': false });
  });
});

describe('SOQL subset of the fake', () => {
  const q = parseSoql(
    "SELECT Id, SystemModstamp FROM Task WHERE (SystemModstamp > 2024-01-23T17:50:51.000+0000 OR (SystemModstamp = 2024-01-23T17:50:51Z AND Id > '00TEc00000Co1WhMAJ')) AND IsDeleted = false ORDER BY SystemModstamp ASC, Id ASC LIMIT 10",
  );
  const typeOf = (f: string) => (f === 'SystemModstamp' ? 'datetime' : f === 'IsDeleted' ? 'boolean' : 'string') as 'datetime' | 'boolean' | 'string';

  it('parses keyset conditions and evaluates them against records', () => {
    expect(q).toMatchObject({ object: 'Task', fields: ['Id', 'SystemModstamp'], limit: 10, orderBy: [{ field: 'SystemModstamp', dir: 'ASC' }, { field: 'Id', dir: 'ASC' }] });
    const rec = (Id: string, s: string) => ({ Id, SystemModstamp: s, IsDeleted: false });
    expect(matches(q.where!, rec('00TEc00000Co1WiMAJ', '2024-01-23T17:50:51.000+0000'), typeOf)).toBe(true);
    expect(matches(q.where!, rec('00TEc00000Co1WhMAJ', '2024-01-23T17:50:51.000+0000'), typeOf)).toBe(false);
    expect(matches(q.where!, rec('00A', '2024-01-23T17:50:52.000+0000'), typeOf)).toBe(true);
    const sorted = [rec('b', '2024-01-01T00:00:00.000+0000'), rec('a', '2024-01-01T00:00:00.000+0000'), rec('c', '2023-01-01T00:00:00.000+0000')].sort(compareBy(q.orderBy, typeOf));
    expect(sorted.map((r) => r.Id)).toEqual(['c', 'a', 'b']);
  });

  it('rejects what Salesforce rejects', () => {
    expect(() => parseSoql('SELECT FROM Task')).toThrow(SoqlError);
    expect(() => parseSoql("SELECT Id FROM Task WHERE Id IN ('a',")).toThrow(SoqlError);
    expect(() => matches(parseSoql("SELECT Id FROM Task WHERE SystemModstamp > '2024-01-01'").where!, {}, typeOf)).toThrow(/string is not valid/);
  });
});
