import type { CardTemplates } from '../adapters/cards/template-store.js';
import type { CardTemplate } from '../domain/cards/card-template.js';

/**
 * The templates the simulator can draw, keyed by the DingTalk template id a delivered card names:
 * everything in cards/ (with the deployment's id prefix), plus templates registered at run time
 * (tests use that to render a card that is not part of the product).
 */
export class SimCardCatalog {
  private readonly extra = new Map<string, CardTemplate>();

  constructor(private readonly base: CardTemplates) {}

  add(template: CardTemplate, templateId = template.templateId): void {
    this.extra.set(templateId, template);
  }

  byTemplateId(templateId: string): CardTemplate | undefined {
    return this.extra.get(templateId) ?? this.base.byTemplateId(templateId);
  }
}
