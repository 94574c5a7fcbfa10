import { describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';

describe('demo company settings', () => {
  it('default to 56 reps with a fixed seed', () => {
    expect(readConfig({}).demo).toEqual({ size: 56, seed: 20_260_101, historyQuarters: 4 });
  });

  it('accept 0 (starter org only) up to 10,000 reps, and any 32-bit seed', () => {
    expect(readConfig({ DEMO_COMPANY_SIZE: '0', DEMO_SEED: '4294967295' }).demo).toEqual({ size: 0, seed: 4_294_967_295, historyQuarters: 4 });
    expect(readConfig({ DEMO_COMPANY_SIZE: '10000' }).demo.size).toBe(10_000);
  });

  it('refuse sizes and seeds out of range, naming the variable', () => {
    expect(() => readConfig({ DEMO_COMPANY_SIZE: '10001' })).toThrow(/DEMO_COMPANY_SIZE/);
    expect(() => readConfig({ DEMO_COMPANY_SIZE: '-1' })).toThrow(/DEMO_COMPANY_SIZE/);
    expect(() => readConfig({ DEMO_COMPANY_SIZE: 'lots' })).toThrow(/DEMO_COMPANY_SIZE/);
    expect(() => readConfig({ DEMO_SEED: '1.5' })).toThrow(/DEMO_SEED/);
  });
});
