import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cardTemplateSchema, type CardTemplate } from '../../domain/cards/card-template.js';
import { fillCard, type CardValue } from '../../domain/cards/fill-card.js';
import type { CardInstance } from '../../bot/messages.js';

/** cards/ at the repository (or image) root, wherever this module runs from (src/ or dist/src/). */
export function defaultCardsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'cards');
    try {
      if (readdirSync(candidate).some((f) => f.endsWith('.json'))) return candidate;
    } catch {
      /* keep walking up */
    }
    dir = path.dirname(dir);
  }
  throw new Error('cards/ directory not found');
}

/** Loads and validates every cards/*.json at start-up; a broken template stops the service early. */
export class CardTemplates {
  private readonly byName = new Map<string, CardTemplate>();

  constructor(
    dir: string = defaultCardsDir(),
    private readonly templateIdPrefix = '',
  ) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const parsed = cardTemplateSchema.safeParse(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
      if (!parsed.success) throw new Error(`cards/${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      if (`${parsed.data.name}.json` !== file) throw new Error(`cards/${file}: name must match the file name`);
      this.byName.set(parsed.data.name, parsed.data);
    }
  }

  get(name: string): CardTemplate {
    const t = this.byName.get(name);
    if (!t) throw new Error(`no card template ${name}`);
    return t;
  }

  all(): CardTemplate[] {
    return [...this.byName.values()];
  }

  /** The template that a DingTalk template id belongs to (the simulator looks cards up this way). */
  byTemplateId(templateId: string): CardTemplate | undefined {
    return this.all().find((t) => this.templateIdPrefix + t.templateId === templateId);
  }

  /** A card instance ready for createAndDeliver. */
  instance(name: string, outTrackId: string, values: Record<string, CardValue | undefined>, privateValues?: Record<string, Record<string, CardValue | undefined>>): CardInstance {
    const t = this.get(name);
    const card: CardInstance = { templateId: this.templateIdPrefix + t.templateId, outTrackId, cardParamMap: fillCard(t, values) };
    if (privateValues) {
      card.privateData = Object.fromEntries(Object.entries(privateValues).map(([u, v]) => [u, fillCard(t, v, { partial: true })]));
    }
    return card;
  }

  /** Only the given keys, for updateCard. */
  params(name: string, values: Record<string, CardValue | undefined>): Record<string, string> {
    return fillCard(this.get(name), values, { partial: true });
  }
}
