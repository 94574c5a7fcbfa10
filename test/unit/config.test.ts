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
    expect(readConfig({ NODE_ENV: 'production', MONGODB_URI: 'mongodb://db/trichain' }).env).toBe('production');
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
