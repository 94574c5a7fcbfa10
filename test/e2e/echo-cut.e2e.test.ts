import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/service-harness.js';
import { fixedClock, sayAndWait } from '../helpers/goal-flow.js';

/**
 * What a person typed, echoed back in a refusal, is cut by characters as people see them (domain/text/cut.ts),
 * never by UTF-16 units: `预测 <19 letters>😀…`, `申诉统计 …`, `申诉 …` and `API密钥 新建 …` cut the emoji in half, and the
 * reply carried a lone surrogate (a � in DingTalk; `jq` could not even parse the simulator's answer).
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('arguments echoed back are cut without splitting a character', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { HR_USER_IDS: 'hr01' }, service: { clock: fixedClock } });
    await h.service.orgSync.run();
  });
  afterAll(async () => {
    await h.stop();
  });

  it.each([
    ['rep01', `预测 ${'a'.repeat(19)}😀b`, '没有找到'],
    ['hr01', `申诉统计 ${'a'.repeat(19)}😀b`, '不是季度'],
    ['rep01', `申诉 ${'a'.repeat(29)}😀b 理由`, '不是行为编号'],
    ['hr01', `API密钥 新建 ${'a'.repeat(63)}😀`, '不可用'],
  ])('%s: %s', async (user, text, says) => {
    const d = await sayAndWait(h, user, text, (x) => x.type === 'text' || x.type === 'markdown');
    expect(d.text).toContain(says);
    expect(d.text).not.toMatch(LONE_SURROGATE);
    expect(d.text).toContain('a'.repeat(19));
  });
});
