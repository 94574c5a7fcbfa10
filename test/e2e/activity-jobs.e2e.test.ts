import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPeople } from '../integration/activity/core-helpers.js';
import { eventually, startHarness, type Harness } from '../helpers/service-harness.js';

let h: Harness;
// Relative to the real clock (the jobs run on it): a visit yesterday, backfill from three days ago.
const visitStart = new Date(Math.floor((Date.now() - 86_400_000) / 60_000) * 60_000);
const backfill = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  // The service starts its own fake Salesforce org (the sample export) and maps the export's owner.
  h = await startHarness({ env: { SALESFORCE_MODE: 'local', SALESFORCE_USER_MAP: '005Ec000004oBPNIA2=rep01', ACTIVITY_BACKFILL_FROM: backfill } });
  await seedPeople(h.service.models);
});
afterAll(async () => {
  await h.stop();
});

describe('connectors run as Agenda jobs inside the service', () => {
  it('defines each connector with its own schedule', async () => {
    const jobs = await h.service.agenda.queryJobs({});
    const scheduled = Object.fromEntries(jobs.jobs.filter((j) => j.repeatInterval).map((j) => [j.name, j.repeatInterval]));
    expect(scheduled).toMatchObject({
      'sync-salesforce': '10 minutes',
      'sync-dingtalk-checkins': '15 minutes',
      'sync-dingtalk-attendance': '1 hour',
      'reevaluate-activities': '40 2 * * *',
      'retry-unmatched': '1 hour',
      'recover-imports': '10 minutes',
    });
  });

  it('sync-salesforce pulls the local org into deals and activities, and records its cursor', async () => {
    await h.service.agenda.now('sync-salesforce');
    await eventually(() => h.service.models.SyncCursor.findById('salesforce:Task').lean(), (c) => c?.lastSuccessAt !== undefined, 60_000);
    expect(await h.service.models.Deal.countDocuments({ personId: 'rep01' })).toBe(50);
    expect(await h.service.models.Activity.countDocuments({ source: 'salesforce', personId: 'rep01' })).toBe(75);
    expect(await h.service.models.CrmAccount.countDocuments()).toBe(22);
    const metrics = await eventually(() => h.service.metrics.registry.metrics(), (m) => /trichain_job_runs_total\{job="sync-salesforce",outcome="success"\} 1/.test(m));
    expect(metrics).toMatch(/trichain_activity_records_total\{source="salesforce",outcome="created"\} 75/);
  });

  it('sync-dingtalk-checkins pulls 签到 from DingTalk and matches them to CRM visits', async () => {
    const at = visitStart.getTime() + 5 * 60_000;
    h.fake.fieldWork.addCheckin({ userid: 'rep02', checkin_time: at, place: '杭州', detail_place: '杭州市西湖区文三路', visit_user: 'Walker Henson and Compton' });
    await h.service.activity.core.ingest.ingest(
      [{ source: 'webhook', sourceId: 'crm:1', person: { kind: 'userId', userId: 'rep02' }, type: 'visit', startAt: visitStart, endAt: new Date(visitStart.getTime() + 50 * 60_000), account: { name: 'Walker Henson and Compton' }, raw: {} }],
      { reconcile: 'inline' },
    );
    // The job writes the check-in before it matches it: wait for this run to finish, not for the row.
    const runs = async () => Number(/trichain_job_runs_total\{job="sync-dingtalk-checkins",outcome="success"\} (\d+)/.exec(await h.service.metrics.registry.metrics())?.[1] ?? 0);
    const before = await runs();
    await h.service.agenda.now('sync-dingtalk-checkins');
    await eventually(runs, (n) => n > before, 60_000);
    const ci = await h.service.models.Activity.findOne({ source: 'dingtalk_checkin', sourceId: `rep02:${at}` }).lean();
    expect(ci).toMatchObject({ personId: 'rep02', accountId: '001Ec00000GGw3hIAD', mergedInto: { source: 'webhook', sourceId: 'crm:1' }, counted: false });
    expect(await h.service.models.Activity.findOne({ sourceId: 'crm:1' }).lean()).toMatchObject({ counted: true, evidence: { checkin: true } });
    expect(h.fake.callsTo('checkin.record.get').length).toBeGreaterThan(0);
  });
});
