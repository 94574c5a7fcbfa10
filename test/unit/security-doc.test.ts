import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { registeredCommands } from '../../scripts/command-catalog.js';
import { DOC_PATH, roleMatrix, withMatrix } from '../../scripts/security-doc.js';

describe('docs/security.md', () => {
  it('carries the role × command matrix generated from the registered commands (npm run docs:security)', () => {
    const doc = readFileSync(DOC_PATH, 'utf8');
    expect(doc).toBe(withMatrix(doc, roleMatrix(registeredCommands())));
  });

  it('the matrix has a row per registered command with every role’s access declared', () => {
    const commands = registeredCommands();
    const rows = roleMatrix(commands).split('\n').slice(2);
    expect(rows).toHaveLength(commands.length);
    for (const c of commands) for (const role of ['rep', 'manager', 'hr'] as const) expect(['yes', 'own', 'team', 'company', 'read', 'no']).toContain(c.access[role]);
  });
});
