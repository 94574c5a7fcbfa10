import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../src/http/sim/markdown.js';
import { escapeMarkdown } from '../../../src/domain/text/markdown.js';
import { weekReport } from '../../../src/domain/activity/week-report.js';
import { evaluationContext, typeAliases } from '../../../src/domain/activity/rules/context.js';
import { parseRules } from '../../../src/domain/activity/rules/rule-parser.js';
import { cutText, echoArg, wellFormed } from '../../../src/domain/text/cut.js';

/** What a reader sees: the simulator's renderer (DingTalk-like), tags stripped. */
const shown = (markdown: string) => renderMarkdown(markdown).replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'");

describe('escapeMarkdown: one rule for outside text in markdown (issue 15.3)', () => {
  const attacks = [
    '[请点此处](http://evil.example)',
    '![x](http://evil.example/p.png)',
    '**粗体** _斜_ *斜* ~~删~~ `code`',
    '<font color=red>红</font> <a href="x">a</a> <http://auto.example>',
    '# 标题',
    '> 引用',
    '- 列表',
    '1. 列表',
    '| a | b |',
    '&lt;已编码&gt;',
    'a\\b',
  ];

  it.each(attacks)('%s stays text: no link, image, tag or emphasis, and reads exactly as written', (s) => {
    const html = renderMarkdown(`- 客户 ${escapeMarkdown(s)}`);
    expect(html).not.toMatch(/<(a|img|strong|em|code|span|h\d|blockquote|ol)\b/);
    expect(shown(`- 客户 ${escapeMarkdown(s)}`)).toBe(`客户 ${s}`);
  });

  it('is a no-op on ordinary names and ids', () => {
    for (const s of ['张伟', '华为技术有限公司', '005FK0000000099AAA', 'Mei-Mei Johns', 'meimei@example.com', 'O’Brien (Shanghai) Ltd.']) expect(escapeMarkdown(s)).toBe(s);
  });

  it('escapes < and > and folds line breaks, so a value can neither open a tag nor start a heading or quote', () => {
    expect(escapeMarkdown('a<b>c')).toBe('a\\<b\\>c');
    expect(escapeMarkdown('名字\n# 标题\r\n> 引用')).toBe('名字 \\# 标题 \\> 引用');
    expect(escapeMarkdown('x\u0000\u0007y')).toBe('xy');
  });

  it('escapes what only starts markup at the beginning of a line there only', () => {
    expect(escapeMarkdown('- a-b')).toBe('\\- a-b');
    expect(escapeMarkdown('12. x 3.5')).toBe('12\\. x 3.5');
  });

  it('我的行为: a person’s and a customer’s name from outside stay text in the week report', () => {
    const rules = parseRules('visit: duration >= 30min', typeAliases());
    if (!rules.ok) throw new Error('rules');
    const r = weekReport({
      personName: '**张伟**', self: false, weekKey: '2026-W48', weekStart: new Date('2026-11-22T16:00:00Z'), zone: 'Asia/Shanghai', lang: 'zh',
      ctx: evaluationContext(rules.rules, 1),
      activities: [{ type: 'visit', source: 'webhook', startAt: new Date('2026-11-24T02:00:00Z'), accountName: '[请点此处](http://evil.example)', counted: false, reasons: ['时长 10 分钟 < 30 分钟'] }],
    });
    expect(r.text).toContain('### \\*\\*张伟\\*\\* · 本周行为');
    expect(r.text).toContain('\\[请点此处\\](http://evil.example)');
    const html = renderMarkdown(r.text);
    expect(html).not.toContain('<a ');
    expect(html).toContain('<h3>**张伟** · 本周行为');
    expect(html).toContain('[请点此处](http://evil.example)');
  });
});

describe('cutText: one way to shorten text, never splitting a character (issue 15.3, 15.12)', () => {
  it('counts what people see: an emoji with a skin tone or a family emoji is one character and never split', () => {
    const family = '👨‍👩‍👧‍👦';
    const text = `${'好'.repeat(9)}${family}👍🏽后面`;
    expect(cutText(text, 11)).toBe(`${'好'.repeat(9)}${family}…`);
    expect(cutText(text, 10)).toBe(`${'好'.repeat(9)}…`);
    expect(cutText('😀'.repeat(30), 5)).toBe('😀😀😀😀…');
    expect(cutText('short', 10)).toBe('short');
  });

  it('never leaves a lone surrogate, even from input that had one', () => {
    const broken = `ab${'😀'.slice(0, 1)}cd`;
    expect(wellFormed(broken)).toBe('ab\uFFFDcd');
    for (let n = 1; n < 12; n++) {
      const out = cutText('😀a😀b😀c😀d😀e😀f', n);
      expect(out).toBe(wellFormed(out));
    }
  });

  it('echoArg puts an argument on one line and cuts it to 40', () => {
    expect(echoArg(`  张伟\n${'x'.repeat(100)}`)).toHaveLength(40);
    expect(echoArg('  张伟  ')).toBe('张伟');
  });
});
