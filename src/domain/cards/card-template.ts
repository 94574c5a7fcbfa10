import { z } from 'zod';

/**
 * A card template as stored in `cards/<name>.json`: the DingTalk template id it maps to, the variables it
 * takes (all sent to DingTalk as strings), and a declarative layout. The layout is what the local simulator
 * renders and the blueprint for building the same card in DingTalk's card platform (see cards/README.md).
 */
const variableSchema = z.object({
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/),
  type: z.enum(['string', 'markdown', 'number', 'boolean', 'json', 'mediaId']),
  required: z.boolean().default(false),
  description: z.string(),
});

const option = z.object({ value: z.string(), label: z.string() });

const base = { visibleIf: z.string().optional() };

export const componentSchema: z.ZodType<CardComponent> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('header'), text: z.string(), color: z.string().optional(), ...base }),
    z.object({ type: z.literal('markdown'), text: z.string(), ...base }),
    z.object({ type: z.literal('image'), mediaId: z.string(), alt: z.string().optional(), ...base }),
    z.object({ type: z.literal('divider'), ...base }),
    z.object({
      type: z.enum(['input', 'textarea', 'number']),
      name: z.string(),
      label: z.string(),
      placeholder: z.string().optional(),
      value: z.string().optional(),
      required: z.boolean().optional(),
      ...base,
    }),
    z.object({
      type: z.enum(['select', 'multiselect']),
      name: z.string(),
      label: z.string(),
      /** A json variable holding [{value,label}], e.g. "${industryOptions}", or literal options. */
      options: z.union([z.string(), z.array(option)]),
      value: z.string().optional(),
      ...base,
    }),
    z.object({
      type: z.literal('buttons'),
      buttons: z.array(
        z.object({
          text: z.string(),
          /** Sent back as params.action; the bot routes card callbacks on it. */
          action: z.string(),
          style: z.enum(['primary', 'default', 'danger']).default('default'),
          /** Extra constant params; "${var}" values are filled from the card data. */
          params: z.record(z.string(), z.string()).default({}),
          /** Submit the form inputs with the click. */
          submitForm: z.boolean().default(false),
          visibleIf: z.string().optional(),
        }),
      ),
      ...base,
    }),
  ]),
);

export type CardComponent =
  | { type: 'header'; text: string; color?: string | undefined; visibleIf?: string | undefined }
  | { type: 'markdown'; text: string; visibleIf?: string | undefined }
  | { type: 'image'; mediaId: string; alt?: string | undefined; visibleIf?: string | undefined }
  | { type: 'divider'; visibleIf?: string | undefined }
  | {
      type: 'input' | 'textarea' | 'number';
      name: string;
      label: string;
      placeholder?: string | undefined;
      value?: string | undefined;
      required?: boolean | undefined;
      visibleIf?: string | undefined;
    }
  | {
      type: 'select' | 'multiselect';
      name: string;
      label: string;
      options: string | Array<{ value: string; label: string }>;
      value?: string | undefined;
      visibleIf?: string | undefined;
    }
  | {
      type: 'buttons';
      buttons: Array<{
        text: string;
        action: string;
        style: 'primary' | 'default' | 'danger';
        params: Record<string, string>;
        submitForm: boolean;
        visibleIf?: string | undefined;
      }>;
      visibleIf?: string | undefined;
    };

export const cardTemplateSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/),
  /** Template id in DingTalk's card platform, e.g. "trichain-goal-form.schema". */
  templateId: z.string().min(1),
  description: z.string(),
  variables: z.array(variableSchema),
  layout: z.array(componentSchema),
});

export type CardTemplate = z.infer<typeof cardTemplateSchema>;
export type CardVariable = CardTemplate['variables'][number];
