import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, envSchema, readConfig } from '../../src/config.js';

describe('readConfig', () => {
  it('runs against the local stand-in with real DingTalk hosts as defaults when no credentials are set', () => {
    const c = readConfig({});
    expect(c.dingtalk.mode).toBe('local');
    expect(c.dingtalk.gatewayUrl).toBe('https://api.dingtalk.com/v1.0/gateway/connections/open');
    expect(c.dingtalk.apiBase).toBe('https://api.dingtalk.com');
    expect(c.dingtalk.oapiBase).toBe('https://oapi.dingtalk.com');
    expect(c.timeZone).toBe('Asia/Shanghai');
    expect(Object.isFrozen(c.dingtalk)).toBe(true);
  });

  it('uses DingTalk when credentials are set, robot code defaulting to the client id', () => {
    const c = readConfig({ DINGTALK_CLIENT_ID: 'ding123', DINGTALK_CLIENT_SECRET: 's' });
    expect(c.dingtalk.mode).toBe('dingtalk');
    expect(c.dingtalk.robotCode).toBe('ding123');
  });

  it('names every bad variable at once', () => {
    let err: unknown;
    try {
      readConfig({ PORT: 'abc', APP_TIMEZONE: 'Mars/Base', MONGODB_URI: 'http://db', DINGTALK_CLIENT_ID: 'x', DINGTALK_SEND_QPS: '-1' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const names = (err as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(names.sort()).toEqual(['APP_TIMEZONE', 'DINGTALK_CLIENT_SECRET', 'DINGTALK_SEND_QPS', 'MONGODB_URI', 'PORT']);
  });

  it('refuses DINGTALK_MODE=dingtalk without credentials', () => {
    expect(() => readConfig({ DINGTALK_MODE: 'dingtalk' })).toThrow(/DINGTALK_CLIENT_ID: required/);
  });

  it('requires a real database in production', () => {
    expect(() => readConfig({ NODE_ENV: 'production' })).toThrow(/MONGODB_URI: required when NODE_ENV=production/);
    const creds = { DINGTALK_CLIENT_ID: 'ding1', DINGTALK_CLIENT_SECRET: 's' };
    expect(readConfig({ NODE_ENV: 'production', MONGODB_URI: 'mongodb://db/trichain', ...creds }).env).toBe('production');
  });

  it('treats empty values as unset', () => {
    expect(readConfig({ PORT: '', MONGODB_URI: '' }).http.port).toBe(3000);
  });

  it('.env.example documents exactly the variables the schema reads', () => {
    const text = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    const documented = [...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.keys(envSchema.shape).sort());
  });
});

describe('activity and Salesforce settings', () => {
  it('defaults: the issue’s visit rule, connectors on schedules, Salesforce off without credentials, webhook off', () => {
    const c = readConfig({});
    expect(c.activity).toEqual({
      defaultRules: 'visit: duration >= 30min and (distance <= 1km or checkin)',
      backfillFrom: undefined,
      syncCheckinsEvery: '15 minutes',
      syncAttendanceEvery: '1 hour',
      webhookSecrets: [],
      webhookMaxBytes: 1_048_576,
    });
    expect(c.salesforce).toMatchObject({ mode: 'off', grant: 'client_credentials', taskTypeField: 'TaskSubtype', cnyPerUnit: 1 });
    expect(readConfig({ SALESFORCE_CLIENT_ID: 'k', SALESFORCE_CLIENT_SECRET: 's' }).salesforce.mode).toBe('salesforce');
    expect(readConfig({ ACTIVITY_SYNC_ATTENDANCE_EVERY: 'off' }).activity.syncAttendanceEvery).toBeUndefined();
  });

  it('names each bad activity/Salesforce variable with what is wrong', () => {
    let err: unknown;
    try {
      readConfig({
        ACTIVITY_DEFAULT_RULES: "拜访：时常 ≥ 30",
        ACTIVITY_WEBHOOK_SECRETS: 'short',
        ACTIVITY_SYNC_CHECKINS_EVERY: 'sometimes',
        SALESFORCE_MODE: 'salesforce',
        SALESFORCE_GRANT: 'password',
        SALESFORCE_TYPE_MAP: 'Task.Call=Call',
        SALESFORCE_BATCH_SIZE: '50',
      });
    } catch (e) {
      err = e;
    }
    const problems = (err as ConfigError).problems;
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'ACTIVITY_DEFAULT_RULES',
      'ACTIVITY_SYNC_CHECKINS_EVERY',
      'ACTIVITY_WEBHOOK_SECRETS',
      'SALESFORCE_BATCH_SIZE',
      'SALESFORCE_CLIENT_ID',
      'SALESFORCE_CLIENT_SECRET',
      'SALESFORCE_PASSWORD',
      'SALESFORCE_TYPE_MAP',
      'SALESFORCE_USERNAME',
    ]);
    expect(problems.find((p) => p.startsWith('ACTIVITY_DEFAULT_RULES'))).toMatch(/不认识「时常」/);
  });
});
