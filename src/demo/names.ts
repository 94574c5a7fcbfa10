import type { Rng } from './prng.js';
import { GIVEN, SURNAMES } from './vocabulary.js';

/**
 * Chinese person names, unique within one company while that is possible (60 surnames × 3,600
 * given names is far above 10,000 people); after a few clashes a repeat is accepted, as in real companies.
 */
export function nameGenerator(rng: Rng): () => string {
  const used = new Set<string>();
  return () => {
    let name = '';
    for (let attempt = 0; attempt < 8; attempt++) {
      const given = rng.chance(0.35) ? rng.pick(GIVEN) : rng.pick(GIVEN) + rng.pick(GIVEN);
      name = rng.pick(SURNAMES) + given;
      if (!used.has(name)) break;
    }
    used.add(name);
    return name;
  };
}
