import { describe, expect, it } from 'vitest';
import { stateCachingContext } from '../../../src/adapters/charts/state-caching-context.js';

/** A stand-in context that records every property set and method call, with a save/restore stack like a 2D context's. */
class RecordingContext {
  sets: string[] = [];
  calls: string[] = [];
  private state: Record<string, unknown> = { font: '10px sans-serif', fillStyle: '#000000', globalAlpha: 1 };
  private stack: Record<string, unknown>[] = [];
  constructor() {
    for (const key of ['font', 'fillStyle', 'globalAlpha', 'lineWidth']) {
      Object.defineProperty(this, key, {
        get: () => this.state[key],
        set: (v: unknown) => {
          this.sets.push(`${key}=${String(v)}`);
          this.state[key] = v;
        },
      });
    }
  }
  save(): void {
    this.calls.push('save');
    this.stack.push({ ...this.state });
  }
  restore(): void {
    this.calls.push('restore');
    this.state = this.stack.pop() ?? this.state;
  }
  fillText(text: string): string {
    // a method that needs its real receiver, as the native ones do
    if (!(this instanceof RecordingContext)) throw new TypeError('Illegal invocation');
    this.calls.push(`fillText ${text} in ${String(this.state.font)}`);
    return text;
  }
}

describe('stateCachingContext', () => {
  it('skips a set to the value already set, passes changes and methods through', () => {
    const real = new RecordingContext();
    const ctx = stateCachingContext(real) as unknown as RecordingContext & Record<string, unknown>;
    ctx.font = '12px a';
    ctx.font = '12px a';
    ctx.globalAlpha = 1;
    ctx.globalAlpha = 1;
    ctx.font = 'bold 12px a';
    ctx.lineWidth = 2;
    ctx.lineWidth = 2;
    expect(ctx.fillText('x')).toBe('x');
    expect(real.sets).toEqual(['font=12px a', 'globalAlpha=1', 'font=bold 12px a', 'lineWidth=2']);
    expect(real.calls).toEqual(['fillText x in bold 12px a']);
    expect(ctx.font).toBe('bold 12px a'); // reads come from the real context
    expect('fillText' in ctx).toBe(true);
  });

  it('forgets what it set after restore(), which brings back an earlier state', () => {
    const real = new RecordingContext();
    const ctx = stateCachingContext(real) as unknown as RecordingContext & Record<string, unknown>;
    ctx.font = '12px a';
    ctx.save();
    ctx.font = '20px b';
    ctx.restore(); // the real font is 12px a again
    ctx.font = '20px b'; // must reach the context although it was the last value set
    ctx.fillText('y');
    expect(real.sets).toEqual(['font=12px a', 'font=20px b', 'font=20px b']);
    expect(real.calls).toEqual(['save', 'restore', 'fillText y in 20px b']);
  });

  it('does not skip properties outside the drawing state it knows (they may have side effects)', () => {
    const real = new RecordingContext() as RecordingContext & { other?: number };
    const ctx = stateCachingContext(real) as typeof real;
    ctx.other = 1;
    ctx.other = 1;
    expect(real.other).toBe(1);
  });
});
