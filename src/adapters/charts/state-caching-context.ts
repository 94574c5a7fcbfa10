/**
 * A 2D context that skips setting a drawing-state property to the value it already has.
 *
 * Why: vega's canvas renderer sets font, textAlign, globalCompositeOperation, globalAlpha and fillStyle before
 * *every* text and mark item, almost always to the value the previous item left. On @napi-rs/canvas each set
 * crosses into native code and parses its string (a CSS font, a colour) again — for the 56-bar chart that was
 * ~800 sets and about half of vega's draw time (bench/charts.ts, docs/performance.md). Skipping a set that
 * would not change the state draws the same picture.
 *
 * Correctness: the remembered values are forgotten on restore() and reset(), which change the state behind
 * our back; save() keeps them. Any other property or method goes to the real context unchanged.
 */

/** Properties vega sets per item; plain values (strings, numbers) and gradient objects compare by identity. */
const CACHED = new Set<string | symbol>([
  'font',
  'textAlign',
  'globalCompositeOperation',
  'globalAlpha',
  'fillStyle',
  'strokeStyle',
  'lineWidth',
  'lineCap',
  'lineJoin',
  'miterLimit',
  'lineDashOffset',
]);

/** Methods after which the context's state is not what we last set. */
const FORGETS = new Set<string | symbol>(['restore', 'reset']);

export function stateCachingContext<T extends object>(ctx: T): T {
  const real = ctx as Record<string | symbol, unknown>;
  const last = new Map<string | symbol, unknown>();
  const methods = new Map<string | symbol, unknown>();
  // The wrapper is an empty object whose prototype is this proxy: reads and writes of every property reach the
  // traps, and methods run with the real context as `this` (native methods check their receiver).
  const forward = new Proxy(
    {},
    {
      get(_, key) {
        const value = real[key];
        if (typeof value !== 'function') return value;
        let method = methods.get(key);
        if (!method) {
          const fn = value as (...args: unknown[]) => unknown;
          method = FORGETS.has(key)
            ? (...args: unknown[]) => {
                last.clear();
                return fn.apply(ctx, args);
              }
            : fn.bind(ctx);
          methods.set(key, method);
        }
        return method;
      },
      set(_, key, value) {
        if (CACHED.has(key)) {
          if (last.has(key) && last.get(key) === value) return true;
          last.set(key, value);
        }
        real[key] = value;
        return true;
      },
      has(_, key) {
        return key in real;
      },
    },
  );
  return Object.create(forward) as T;
}
