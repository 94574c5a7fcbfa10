import { describe, expect, it } from 'vitest';
import { validateItem } from '../../../src/domain/activity/activity-item.js';
import { signWebhook, verifyWebhook } from '../../../src/domain/activity/webhook-signature.js';

describe('webhook hardening (issue 15.4)', () => {
  const secret = 'example-secret-for-docs-only-0123456789';
  const body = Buffer.from('[]');
  const sig = signWebhook(secret, 1764036000, body);
  const check = (signature: string) => verifyWebhook({ secrets: [secret], signature, timestamp: '1764036000', rawBody: body, nowSec: 1764036000 });

  it('refuses a valid signature with characters appended, or cut short, or with non-hex inside', () => {
    expect(check(sig)).toEqual({ ok: true });
    for (const bad of [`${sig}zz`, `${sig}0`, `${sig}00`, sig.slice(0, -2), `${sig.slice(0, 10)}g${sig.slice(11)}`, `${sig} x`]) {
      expect(check(bad)).toMatchObject({ ok: false, code: 'bad_signature' });
    }
    expect(check(sig.toUpperCase().replace('V1=', 'v1='))).toEqual({ ok: true });
  });

  const item = (extra: Record<string, unknown>) => ({ id: 'a1', type: 'visit', person: { userId: 'rep01' }, startAt: '2026-11-24T10:00:00+08:00', ...extra });
  const issues = (extra: Record<string, unknown>) => {
    const r = validateItem(item(extra));
    return r.ok ? [] : r.issues;
  };

  it('refuses implausible dates (year 1900 / 9999) with the year named', () => {
    expect(issues({ startAt: '1900-01-01T00:00:00+08:00' })).toEqual([{ path: 'startAt', message: expect.stringContaining('时间不合理（1899 年）') }]);
    expect(issues({ startAt: '9999-12-31T10:00:00+08:00' })).toEqual([{ path: 'startAt', message: expect.stringContaining('（9999 年）') }]);
    expect(issues({ updatedAt: '1900-06-01T00:00:00Z' })).toEqual([{ path: 'updatedAt', message: expect.stringContaining('1900 年') }]);
    expect(issues({})).toEqual([]);
  });

  it('refuses control characters and bidi overrides in names and ids', () => {
    expect(issues({ customer: { name: '华为\n# 标题' } })).toEqual([{ path: 'customer.name', message: 'customer.name含有控制字符（如换行、制表符），请去掉后再发' }]);
    expect(issues({ person: { userId: 'rep\u000701' } })).toEqual([{ path: 'person.userId', message: expect.stringContaining('控制字符') }]);
    expect(issues({ id: 'a\u202e1' })).toHaveLength(1);
    expect(issues({ dims: { 行业: '制造\u0000业' } })).toHaveLength(1);
    expect(issues({ dims: { note: '多行\n备注' } })).toEqual([]);
    expect(issues({ customer: { name: '华为技术 (上海) 有限公司' } })).toEqual([]);
  });
});
