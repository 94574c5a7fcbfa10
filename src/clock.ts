/** The service's sense of "now". Injected everywhere, so the simulator can move time and tests can fix it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that runs with real time from a chosen offset; the simulator jumps it forward. */
export class OffsetClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  /** Moves "now" to `to` (it keeps running from there). */
  set(to: Date): void {
    this.offsetMs = to.getTime() - Date.now();
  }
  reset(): void {
    this.offsetMs = 0;
  }
}
