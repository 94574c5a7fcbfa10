import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/http/sim/markdown.js';

describe("the simulator's Markdown renderer", () => {
  it('renders what DingTalk robot Markdown uses', () => {
    const html = renderMarkdown('### 三链助手\n\n- **帮助**：查看\n- `代码`\n\n1. 一\n2. 二\n\n> 引用\n\n---\n第一行\n第二行 *斜体* [链接](https://example.com/a?b=1&c=2)');
    expect(html).toContain('<h3>三链助手</h3>');
    expect(html).toContain('<ul><li><strong>帮助</strong>：查看</li><li><code>代码</code></li></ul>');
    expect(html).toContain('<ol><li>一</li><li>二</li></ol>');
    expect(html).toContain('<blockquote>引用</blockquote>');
    expect(html).toContain('<hr>');
    expect(html).toContain('<p>第一行<br>第二行 <em>斜体</em> <a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">链接</a></p>');
  });

  it('shows media-id images through the simulator and coloured text through a checked colour', () => {
    expect(renderMarkdown('![图](@lAabc)')).toContain('src="/sim/api/media/%40lAabc"');
    expect(renderMarkdown('<font color=#FF0000>红</font> 与 <font color="green">绿</font>')).toBe('<p><span style="color:#FF0000">红</span> 与 <span style="color:green">绿</span></p>');
  });

  it('lets no HTML or script through', () => {
    const evil = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '[x](javascript:alert(1))',
      '![x](javascript:alert(1))',
      '<font color="red" onmouseover="alert(1)">x</font>',
      '<font color=red;background:url(x)>x</font>',
      '**<b>bold</b>**',
      '`<i>`',
    ].map(renderMarkdown);
    for (const html of evil) {
      expect(html).not.toMatch(/<(script|img|b|i|font)[\s>]/);
      expect(html).not.toMatch(/href="javascript|src="javascript/);
      expect(html).not.toMatch(/<[a-z]+[^>]*\son\w+=/); // no event handler inside a real tag
    }
    expect(evil[0]).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(evil[2]).toBe('<p><span class="md-link">x</span></p>');
  });
});
