import { describe, expect, it } from 'vitest';
import { renderBar } from '../../../src/cli/progress-bar.js';
import { evaluationContext, typeAliases } from '../../../src/domain/activity/rules/context.js';
import { DEFAULT_RULES_TEXT } from '../../../src/domain/activity/rules/rule-model.js';
import { parseRules } from '../../../src/domain/activity/rules/rule-parser.js';
import { signWebhook, verifyWebhook } from '../../../src/domain/activity/webhook-signature.js';
import { weekReport, type ReportActivity } from '../../../src/domain/activity/week-report.js';

describe('webhook signature', () => {
  const secret = 'example-secret-for-docs-only-0123456789';
  const body = '[{"id":"1","type":"call","person":{"userId":"rep01"},"startAt":"2026-11-24T10:00:00+08:00","durationMin":5}]';

  it('matches the example in docs/activities.md', () => {
    expect(signWebhook(secret, 1764036000, body)).toBe('v1=019de349865afaea421c66af15c381c3f36076e5208092e54c15b9686428e15e');
  });

  it('accepts any configured secret and any of several sent signatures; refuses tampering and skew beyond 5 minutes', () => {
    const raw = Buffer.from(body);
    const sig = signWebhook(secret, 1764036000, body);
    const check = (o: Partial<Parameters<typeof verifyWebhook>[0]>) => verifyWebhook({ secrets: ['other-secret-xxxxxxxxxxxxxxxxxxxxxxxxxx', secret], signature: sig, timestamp: '1764036000', rawBody: raw, nowSec: 1764036000, ...o });
    expect(check({})).toEqual({ ok: true });
    expect(check({ signature: `v1=deadbeef, ${sig}` })).toEqual({ ok: true });
    expect(check({ nowSec: 1764036000 + 300 })).toEqual({ ok: true });
    expect(check({ nowSec: 1764036000 + 301 })).toMatchObject({ ok: false, code: 'stale_timestamp' });
    expect(check({ nowSec: 1764036000 - 301 })).toMatchObject({ ok: false, code: 'stale_timestamp', message: 'timestamp is 301 s in the future' });
    expect(check({ rawBody: Buffer.from(body.replace('5}', '6}')) })).toMatchObject({ ok: false, code: 'bad_signature' });
    expect(check({ timestamp: '1764036001' })).toMatchObject({ ok: false, code: 'bad_signature' });
    expect(check({ secrets: ['x'.repeat(40)] })).toMatchObject({ ok: false, code: 'bad_signature' });
    expect(check({ signature: undefined })).toMatchObject({ ok: false, code: 'missing_signature' });
    expect(check({ timestamp: '2026-11-24' })).toMatchObject({ ok: false, code: 'bad_timestamp' });
  });
});

describe('week report text', () => {
  const rules = parseRules(DEFAULT_RULES_TEXT, typeAliases());
  if (!rules.ok) throw new Error('rules');
  const ctx = evaluationContext(rules.rules, 3);
  const base = { personName: '张伟', self: true, weekKey: '2026-W48', weekStart: new Date('2026-11-22T16:00:00Z'), ctx, zone: 'Asia/Shanghai', lang: 'zh' as const };
  const a = (type: string, counted: boolean, reasons: string[] = [], extra: Partial<ReportActivity> = {}): ReportActivity => ({
    type, source: 'salesforce', startAt: new Date('2026-11-24T02:00:00Z'), counted, reasons, ...extra,
  });

  it('says so when there is nothing this week, and still shows the rule', () => {
    const r = weekReport({ ...base, activities: [] });
    expect(r.text).toContain('你本周还没有任何行为记录');
    expect(r.text).toContain('> 本季度规则 v3：拜访：时长 ≥ 30 分钟 且（距客户 ≤ 1 公里 或 有签到）');
  });

  it('lists at most maxLines not-counted activities, oldest first, then how many more', () => {
    const many = Array.from({ length: 5 }, (_, i) => a('visit', false, [`原因${i}`], { startAt: new Date(Date.parse('2026-11-24T02:00:00Z') - i * 3600_000) }));
    const r = weekReport({ ...base, activities: [...many, a('call', true)], maxLines: 3 });
    expect(r.text).toContain('**计入 1 条**：电话 1');
    expect(r.text).toContain('**未计入 5 条：**');
    const lines = r.text.split('\n').filter((l) => l.startsWith('- '));
    expect(lines.map((l) => l.replace(/^.* — /, ''))).toEqual(['原因4', '原因3', '原因2', '- …还有 2 条，发送「我的行为 第2页」查看']);
    // 12.8: the rest is one command away, and a visit without a customer says so.
    const p2 = weekReport({ ...base, activities: [...many, a('call', true)], maxLines: 3, page: 2, pageCommand: (n) => `我的行为 张伟 第${n}页` });
    expect(p2.text).toContain('（第 2/2 页）');
    const p2lines = p2.text.split('\n').filter((l) => l.startsWith('- '));
    expect(p2lines.map((l) => l.replace(/^.* — /, ''))).toEqual(['原因1', '原因0']);
    expect(p2lines[0]).toContain('（未填客户）');
  });

  it('writes English for English readers, naming the person for a manager', () => {
    const r = weekReport({ ...base, lang: 'en', self: false, activities: [a('email', true), a('attendance', false, ['x'])] });
    expect(r.title).toBe('张伟 · activities this week');
    expect(r.text).toContain('**Counted: 1** — email 1');
    expect(r.text).toContain('attendance punch: 1 (not counted as activity).');
    expect(r.text).toContain('Rules this quarter (v3): visit: duration >= 30 min and (distance <= 1 km or checkin)');
  });
});

describe('progress bar', () => {
  it('renders share, sizes and the remaining time', () => {
    expect(renderBar('导入', 50 * 1_048_576, 100 * 1_048_576, 30, '500,000 行', 10)).toBe('导入 [█████░░░░░]  50%  50.0 MB/100.0 MB  ETA 0:30  500,000 行');
    expect(renderBar('检查', 0, 0, 0, '', 4)).toBe('检查 [░░░░]   0%  0.0 MB/0.0 MB  ETA 0:00');
  });
});
