import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';

// ajv-formats is CommonJS with a default export; under NodeNext ESM the callable sits on .default.
const addFormats = ((addFormatsImport as unknown as { default?: typeof addFormatsImport }).default ?? addFormatsImport) as unknown as (ajv: Ajv2020) => void;

type Json = Record<string, unknown>;

/**
 * Checks real HTTP responses against an OpenAPI 3.1 document with a JSON Schema 2020-12 validator: the
 * operation and the status must be documented, and the body must match the documented schema. Records
 * what it checked, so a test can require every documented operation to have been exercised.
 */
export class OpenApiChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  readonly checked = new Set<string>();

  constructor(readonly doc: Json) {
    addFormats(this.ajv);
    // The components live in one schema so that "#/components/schemas/X" references resolve.
    this.ajv.addSchema({ $id: 'openapi.json', components: doc.components }, 'openapi.json');
  }

  /** Every "METHOD path" the document describes. */
  operations(): string[] {
    const paths = this.doc.paths as Record<string, Record<string, unknown>>;
    return Object.entries(paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
  }

  /** Throws with ajv's errors when the response doesn't match the document. */
  check(method: string, path: string, status: number, body: unknown): void {
    const op = ((this.doc.paths as Record<string, Record<string, Json>>)[path] ?? {})[method.toLowerCase()];
    if (!op) throw new Error(`${method} ${path} is not in the OpenAPI document`);
    const response = (op.responses as Record<string, Json>)[String(status)];
    if (!response) throw new Error(`${method} ${path} answered ${status}, which the document doesn't list`);
    const schema = ((response.content as Record<string, Json> | undefined)?.['application/json'] as Json | undefined)?.schema;
    if (!schema) throw new Error(`${method} ${path} ${status} has no JSON schema in the document`);
    const key = `${method.toUpperCase()} ${path} ${status}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      // Rewrite local refs to point into the registered components document.
      const rewritten = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi.json#/components/')) as Json;
      validate = this.ajv.compile(rewritten);
      this.compiled.set(key, validate);
    }
    if (!validate(body)) throw new Error(`${key} does not match the document: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 1000)}`);
    this.checked.add(key);
  }
}
