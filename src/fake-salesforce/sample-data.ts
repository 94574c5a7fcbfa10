import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { FieldType } from './soql.js';
import type { SfStore } from './store.js';

/**
 * Loads the real Salesforce export in test/fixtures/sfdc-sample (SFDC-Assets/data-cloud-workshop, BSD-3)
 * into the fake org, typed the way the REST API returns it: booleans, numbers, null for empty, compound
 * addresses as objects. The export has no Event and no User object: those are defined here (standard
 * fields), and the one owner id the export uses gets a User record, clearly synthetic.
 */
export const SAMPLE_DIR = new URL('../../test/fixtures/sfdc-sample/', import.meta.url);
export const SAMPLE_OWNER_ID = '005Ec000004oBPNIA2';

const PREFIX: Record<string, string> = { Account: '001', Contact: '003', Opportunity: '006', Task: '00T', Event: '00U', Lead: '00Q', User: '005' };
const NUMBER_FIELDS = /^(Amount|Probability|AnnualRevenue|NumberOfEmployees|CallDurationInSeconds|DurationInMinutes|FiscalQuarter|FiscalYear|RecurrenceInterval|RecurrenceDayOfMonth|RecurrenceDayOfWeekMask|ExpectedRevenue|TotalOpportunityQuantity)$|(Latitude|Longitude)$/;
const BOOLEAN_FIELDS = /^(Is|Has|Do|Can)[A-Z]/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const EVENT_FIELDS: Record<string, FieldType> = {
  OwnerId: 'id', WhoId: 'id', WhatId: 'id', AccountId: 'id', Subject: 'string', Location: 'string', Type: 'string',
  StartDateTime: 'datetime', EndDateTime: 'datetime', ActivityDateTime: 'datetime', ActivityDate: 'date',
  DurationInMinutes: 'number', IsAllDayEvent: 'boolean', Description: 'string', EventSubtype: 'string',
};
export const USER_FIELDS: Record<string, FieldType> = { Name: 'string', Email: 'string', Username: 'string', IsActive: 'boolean', FirstName: 'string', LastName: 'string' };

export function loadSample(store: SfStore, objects: readonly string[] = ['Account', 'Contact', 'Opportunity', 'Task', 'Lead']): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of objects) {
    const text = readFileSync(new URL(`${name}.csv`, SAMPLE_DIR), 'utf8');
    const rows = parse(text, { columns: true, bom: true, skip_empty_lines: true }) as Array<Record<string, string>>;
    const types = inferTypes(rows);
    store.define(name, PREFIX[name] ?? 'a0X', types);
    for (const row of rows) store.load(name, typed(row, types));
    counts[name] = rows.length;
  }
  store.define('Event', PREFIX.Event!, EVENT_FIELDS);
  store.define('User', PREFIX.User!, USER_FIELDS);
  store.load('User', { Id: SAMPLE_OWNER_ID, Name: 'Workshop Owner (synthetic)', Email: 'workshop.owner@example.com', Username: 'owner@workshop.example', IsActive: true, FirstName: 'Workshop', LastName: 'Owner' });
  return counts;
}

function inferTypes(rows: Array<Record<string, string>>): Record<string, FieldType> {
  const out: Record<string, FieldType> = {};
  for (const field of Object.keys(rows[0] ?? {})) {
    const values = rows.map((r) => r[field] ?? '').filter((v) => v !== '');
    if (field === 'Id' || field.endsWith('Id')) out[field] = 'id';
    else if (BOOLEAN_FIELDS.test(field)) out[field] = 'boolean';
    else if (NUMBER_FIELDS.test(field)) out[field] = 'number';
    else if (field.endsWith('Address') && values.every((v) => v.startsWith('{'))) out[field] = 'address';
    else if (values.length && values.every((v) => DATETIME.test(v))) out[field] = 'datetime';
    else if (values.length && values.every((v) => DATE.test(v))) out[field] = 'date';
    else if (/(Date|Modstamp)$/.test(field) && !field.endsWith('Only')) out[field] = /^(CloseDate|ActivityDate|LastActivityDate|Birthdate|ConvertedDate)$/.test(field) ? 'date' : 'datetime';
    else out[field] = 'string';
  }
  return out;
}

function typed(row: Record<string, string>, types: Record<string, FieldType>): Record<string, unknown> {
  const rec: Record<string, unknown> = {};
  for (const [f, raw] of Object.entries(row)) {
    const t = types[f];
    if (raw === '') rec[f] = t === 'boolean' ? false : null;
    else if (t === 'boolean') rec[f] = raw === '1' || raw.toLowerCase() === 'true';
    else if (t === 'number') rec[f] = Number(raw);
    else if (t === 'address') rec[f] = JSON.parse(raw);
    else rec[f] = raw;
  }
  return rec;
}
