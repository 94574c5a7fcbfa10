import { describe, expect, it } from 'vitest';
import { CardTemplates } from '../../src/adapters/cards/template-store.js';
import { CardDataError, fillCard, interpolate } from '../../src/domain/cards/fill-card.js';

describe('card templates', () => {
  const cards = new CardTemplates();

  it('loads every cards/*.json, and each layout refers only to declared variables', () => {
    expect(cards.all().length).toBeGreaterThan(0);
    for (const t of cards.all()) {
      const declared = new Set(t.variables.map((v) => v.name));
      const used = [...JSON.stringify(t.layout).matchAll(/\$\{([a-zA-Z0-9_]+)\}/g)].map((m) => m[1]!);
      const flags = [...JSON.stringify(t.layout).matchAll(/"visibleIf":"([a-zA-Z0-9_]+)"/g)].map((m) => m[1]!);
      for (const u of [...used, ...flags]) expect(declared, `${t.name} uses undeclared ${u}`).toContain(u);
    }
  });

  it('stringifies values by declared type', () => {
    const t = cards.get('notice');
    expect(fillCard(t, { title: '通知', body: '**你好**', hasImage: false })).toEqual({ title: '通知', body: '**你好**', hasImage: 'false' });
  });

  it('refuses unknown variables, wrong types and missing required ones, naming each', () => {
    const t = cards.get('notice');
    try {
      fillCard(t, { title: 1 as unknown as string, bogus: 'x' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CardDataError);
      expect((err as CardDataError).problems).toEqual(['title must be a string', 'unknown variable bogus', 'missing required body']);
    }
  });

  it('builds an instance with the template id prefix', () => {
    const c = new CardTemplates(undefined, 'app1-').instance('notice', 'n:1', { title: 'a', body: 'b' });
    expect(c).toMatchObject({ templateId: 'app1-trichain-notice.schema', outTrackId: 'n:1', cardParamMap: { title: 'a', body: 'b' } });
  });

  it('interpolates layout text', () => {
    expect(interpolate('你好 ${name}，${missing}!', { name: '张伟' })).toBe('你好 张伟，!');
  });
});
