import { z } from 'zod';
import { activityItemSchema } from '../../domain/activity/activity-item.js';
import { MAX_SKEW_SEC, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../domain/activity/webhook-signature.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from './read-service.js';
import { RESOURCES, errorSchema, webhookErrorSchema, webhookResultSchema, type ResourceName } from './schemas.js';

type Json = Record<string, unknown>;

const FILTER_PARAMS: Record<string, Json> = {
  quarter: { name: 'quarter', in: 'query', description: 'quarter key, e.g. 2026Q4', schema: { type: 'string', pattern: '^\\d{4}Q[1-4]$' } },
  team: { name: 'team', in: 'query', description: "a manager's userid: that manager and everyone under them (today's reporting lines)", schema: { type: 'string' } },
  person: { name: 'person', in: 'query', description: 'one person (DingTalk userid)', schema: { type: 'string' } },
  updatedSince: { name: 'updatedSince', in: 'query', description: 'only records changed at or after this instant (ISO 8601)', schema: { type: 'string', format: 'date-time' } },
};
const PAGING_PARAMS: Json[] = [
  { name: 'cursor', in: 'query', description: 'nextCursor of the previous page (opaque; keep the same filters)', schema: { type: 'string' } },
  { name: 'limit', in: 'query', description: `page size, default ${DEFAULT_LIMIT}`, schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT } },
];

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const jsonBody = (schema: Json, description: string) => ({ description, content: { 'application/json': { schema } } });

/**
 * The OpenAPI 3.1 document of /api/v1, built from the zod schemas the routes validate their responses
 * with (schemas.ts) and the activity webhook's own item schema. Built once per process: it only changes
 * with the code.
 */
export function buildOpenApi(o: { serverUrl?: string; rateLimitPerMinute: number }): Json {
  const registry = z.registry<{ id: string }>();
  for (const r of Object.values(RESOURCES)) {
    registry.add(r.item, { id: r.component });
    registry.add(r.page, { id: `${r.component}Page` });
  }
  registry.add(errorSchema, { id: 'Error' });
  registry.add(webhookResultSchema, { id: 'ActivityWebhookResult' });
  registry.add(webhookErrorSchema, { id: 'ActivityWebhookError' });
  registry.add(activityItemSchema, { id: 'ActivityWebhookItem' });
  // io: 'input' describes what the webhook accepts (before its transforms); refinements (e.g. "endAt after
  // startAt") can't be expressed and stay documented in the descriptions and docs/activities.md.
  const generated = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}`, io: 'input', unrepresentable: 'any' }) as { schemas: Record<string, Json> };
  const schemas: Record<string, Json> = {};
  for (const [id, s] of Object.entries(generated.schemas)) {
    const { $id: _id, $schema: _schema, ...rest } = s;
    schemas[id] = rest;
  }

  const errors = {
    '400': jsonBody(ref('Error'), 'a bad parameter or cursor; the message names it'),
    '401': jsonBody(ref('Error'), 'no key, an unknown key or a revoked key'),
    '403': jsonBody(ref('Error'), "the key's team scope doesn't cover the team or person asked for"),
    '429': {
      ...jsonBody(ref('Error'), `more than ${o.rateLimitPerMinute} requests in this minute for this key`),
      headers: { 'Retry-After': { description: 'seconds until the key may ask again', schema: { type: 'integer' } } },
    },
  };

  const paths: Record<string, Json> = {};
  for (const [name, r] of Object.entries(RESOURCES) as Array<[ResourceName, (typeof RESOURCES)[ResourceName]]>) {
    paths[`/api/v1/${name}`] = {
      get: {
        operationId: `list${r.component}s`,
        summary: r.summary,
        description: 'Ordered by (updatedAt, id); page with nextCursor. A record changed while you page shows up again later in the listing.',
        security: [{ apiKey: [] }],
        parameters: [...r.filters.map((f) => FILTER_PARAMS[f]), ...PAGING_PARAMS],
        responses: {
          '200': {
            ...jsonBody(ref(`${r.component}Page`), 'one page'),
            headers: {
              'X-RateLimit-Limit': { schema: { type: 'integer' } },
              'X-RateLimit-Remaining': { schema: { type: 'integer' } },
            },
          },
          ...errors,
        },
      },
    };
  }
  paths['/api/v1/openapi.json'] = {
    get: { operationId: 'openApi', summary: 'This document', security: [], responses: { '200': jsonBody({ type: 'object' }, 'the OpenAPI 3.1 document') } },
  };
  // Same path as the activities listing: GET reads (API key), POST is the signed webhook.
  paths['/api/v1/activities'] = {
    ...paths['/api/v1/activities'],
    post: {
      operationId: 'postActivities',
      summary: 'Send activities from a system without a connector (signed webhook)',
      description: `All or nothing: one invalid item refuses the batch (422, details per item). Stored idempotently on (system, id). Sign with HMAC-SHA256 over "<timestamp>.<raw body>"; requests more than ${MAX_SKEW_SEC} s off are refused.`,
      security: [],
      parameters: [
        { name: TIMESTAMP_HEADER, in: 'header', required: true, description: 'unix seconds', schema: { type: 'string', pattern: '^\\d{9,11}$' } },
        { name: SIGNATURE_HEADER, in: 'header', required: true, description: 'v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>; several comma-separated while rotating', schema: { type: 'string' } },
      ],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'array', minItems: 1, maxItems: 1000, items: ref('ActivityWebhookItem') } } } },
      responses: {
        '200': jsonBody(ref('ActivityWebhookResult'), 'stored'),
        '400': jsonBody(ref('ActivityWebhookError'), 'not JSON'),
        '401': jsonBody(ref('ActivityWebhookError'), 'missing or wrong signature, or a stale timestamp'),
        '413': jsonBody(ref('ActivityWebhookError'), 'body or batch too large'),
        '415': jsonBody(ref('ActivityWebhookError'), 'not application/json'),
        '422': jsonBody(ref('ActivityWebhookError'), 'not an array, empty, or invalid items (nothing stored)'),
        '503': jsonBody(ref('ActivityWebhookError'), 'the webhook is not configured'),
      },
    },
  };

  return {
    openapi: '3.1.0',
    info: {
      title: 'trichain API',
      version: '1',
      description:
        'Read API for IT (BI, HR tools) and the activity webhook. Read routes need `Authorization: Bearer <key>`; HR creates keys in chat with `API密钥 新建 <名称> [团队 <经理>]`. Every use is audited; each key has a per-minute rate limit.',
    },
    ...(o.serverUrl ? { servers: [{ url: o.serverUrl }] } : {}),
    paths,
    components: {
      schemas,
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'an API key from 「API密钥 新建」' } },
    },
  };
}
