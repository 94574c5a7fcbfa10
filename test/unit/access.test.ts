import { describe, expect, it } from 'vitest';
import { canView, managerChain, reportsUnder } from '../../src/domain/org/access.js';

// dir01 ← mgr01 ← rep01, rep02 ; dir01 ← mgr02 ← rep03 ; hr01 alone
const managers: Record<string, string | null> = { dir01: null, mgr01: 'dir01', mgr02: 'dir01', rep01: 'mgr01', rep02: 'mgr01', rep03: 'mgr02', hr01: null };
const managerOf = (id: string) => managers[id];
const direct = (id: string) => Object.keys(managers).filter((k) => managers[k] === id);

describe('who may see what', () => {
  it('a rep sees only themselves', () => {
    expect(canView({ id: 'rep01', role: 'rep' }, 'rep01', managerOf)).toBe(true);
    expect(canView({ id: 'rep01', role: 'rep' }, 'rep02', managerOf)).toBe(false);
  });

  it('a manager sees direct reports but not another team', () => {
    expect(canView({ id: 'mgr01', role: 'manager' }, 'rep02', managerOf)).toBe(true);
    expect(canView({ id: 'mgr01', role: 'manager' }, 'rep03', managerOf)).toBe(false);
    expect(canView({ id: 'mgr01', role: 'manager' }, 'dir01', managerOf)).toBe(false);
  });

  it('a skip-level manager sees indirect reports', () => {
    expect(canView({ id: 'dir01', role: 'manager' }, 'rep03', managerOf)).toBe(true);
  });

  it('hr sees everyone', () => {
    expect(canView({ id: 'hr01', role: 'hr' }, 'rep03', managerOf)).toBe(true);
  });

  it('walks chains and reports, surviving cycles in bad org data', () => {
    expect(managerChain('rep03', managerOf)).toEqual(['mgr02', 'dir01']);
    expect(reportsUnder('dir01', direct).sort()).toEqual(['mgr01', 'mgr02', 'rep01', 'rep02', 'rep03']);
    const cyclic: Record<string, string> = { a: 'b', b: 'a' };
    expect(managerChain('a', (x) => cyclic[x])).toEqual(['b']);
  });
});
