import { describe, expect, it } from 'vitest';
import { refuseStandInsInProduction } from '../../src/app.js';
import { ConfigError, readConfig } from '../../src/config.js';

const prod = { NODE_ENV: 'production', HTTP_HOST: '0.0.0.0', MONGODB_URI: 'mongodb://db:27017/trichain' };

function problems(env: Record<string, string>): readonly string[] {
  try {
    readConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('production never falls into demo mode (issue 15.1)', () => {
  it('the Dockerfile settings without DingTalk credentials are refused with one line naming both', () => {
    const p = problems(prod);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^DINGTALK_CLIENT_ID, DINGTALK_CLIENT_SECRET: required when NODE_ENV=production/);
  });

  it('half the credentials names the missing one, once', () => {
    expect(problems({ ...prod, DINGTALK_CLIENT_ID: 'ding1' })).toEqual([expect.stringMatching(/^DINGTALK_CLIENT_SECRET: required when NODE_ENV=production/)]);
  });

  it('DINGTALK_MODE=local and SALESFORCE_MODE=local are refused in production even with credentials', () => {
    const p = problems({ ...prod, DINGTALK_CLIENT_ID: 'ding1', DINGTALK_CLIENT_SECRET: 's', DINGTALK_MODE: 'local', SALESFORCE_MODE: 'local' });
    expect(p.map((x) => x.split(':')[0]).sort()).toEqual(['DINGTALK_MODE', 'SALESFORCE_MODE']);
  });

  it('with credentials production runs against DingTalk', () => {
    expect(readConfig({ ...prod, DINGTALK_CLIENT_ID: 'ding1', DINGTALK_CLIENT_SECRET: 's' }).dingtalk.mode).toBe('dingtalk');
  });

  it('development without credentials still runs the stand-in', () => {
    expect(readConfig({}).dingtalk.mode).toBe('local');
  });

  it('the composition root refuses a hand-built production config that would start a stand-in', () => {
    const dev = readConfig({});
    expect(() => refuseStandInsInProduction({ ...dev, env: 'production' })).toThrow(/must not run the local DingTalk stand-in/);
    expect(() => refuseStandInsInProduction(dev)).not.toThrow();
  });
});
