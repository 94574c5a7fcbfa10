import { describe, expect, it } from 'vitest';
import { detectLang, matchKeyword, normalizeText, suggestKeywords } from '../../src/domain/command-text.js';

const entries = [
  { keywords: ['帮助', 'help'], value: 'help' },
  { keywords: ['目标', 'goal'], value: 'goal' },
  { keywords: ['我的目标'], value: 'my-goal' },
];

describe('command text', () => {
  it('normalizes full-width characters, spaces and a leading slash', () => {
    expect(normalizeText('  ／ＨＥＬＰ\u3000 me ')).toBe('HELP me');
  });

  it('matches Chinese and English keywords, case-insensitively, with arguments', () => {
    expect(matchKeyword('帮助', entries)?.value).toBe('help');
    expect(matchKeyword(' HELP ', entries)?.value).toBe('help');
    expect(matchKeyword('/goal rep01', entries)).toMatchObject({ value: 'goal', args: 'rep01' });
    expect(matchKeyword('目标：张伟', entries)).toMatchObject({ value: 'goal', args: '张伟' });
  });

  it('prefers the longest keyword', () => {
    expect(matchKeyword('我的目标', entries)?.value).toBe('my-goal');
  });

  it('does not match an English keyword inside a longer word', () => {
    expect(matchKeyword('helpful', entries)).toBeUndefined();
    expect(matchKeyword('goals', entries)).toBeUndefined();
  });

  it('detects the language the person wrote in', () => {
    expect(detectLang('help')).toBe('en');
    expect(detectLang('帮我看看 goal')).toBe('zh');
    expect(detectLang('123')).toBe('zh');
  });

  it('suggests close keywords for typos', () => {
    expect(suggestKeywords('hepl', ['帮助', 'help', 'goal'])).toEqual(['help']);
    expect(suggestKeywords('今天天气', ['帮助', 'help'])).toEqual([]);
  });
});
