/*
 * When to ask again about a pending TLS subscription: 15 s, doubling to 5 min.
 * No `vscode` and no timers here: the watch asks what is due at a given time.
 */
export interface ScheduleOptions {
  firstMs: number;
  maxMs: number;
}

export const DEFAULT_SCHEDULE: ScheduleOptions = { firstMs: 15_000, maxMs: 5 * 60_000 };

export interface Watched {
  key: string;
  attempts: number;
  dueAt: number;
}

export class WatchSchedule {
  private readonly entries = new Map<string, Watched>();

  constructor(private readonly options: ScheduleOptions = DEFAULT_SCHEDULE) {}

  /** The wait after `attempts` polls: first, then doubling, capped. */
  delay(attempts: number): number {
    return Math.min(this.options.maxMs, this.options.firstMs * 2 ** attempts);
  }

  /** Starts watching (or keeps the current schedule when it is watched already). */
  add(key: string, now: number): void {
    if (!this.entries.has(key)) this.entries.set(key, { key, attempts: 0, dueAt: now + this.delay(0) });
  }

  remove(key: string): void {
    this.entries.delete(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** The entries due at `now`, each asked once. */
  due(now: number): string[] {
    return [...this.entries.values()].filter((e) => e.dueAt <= now).map((e) => e.key);
  }

  /** After a poll of `key`: the next one waits twice as long, up to the cap. */
  polled(key: string, now: number): void {
    const e = this.entries.get(key);
    if (!e) return;
    e.attempts++;
    e.dueAt = now + this.delay(e.attempts);
  }

  /** When the next entry is due; undefined when nothing is watched. */
  nextDue(): number | undefined {
    let next: number | undefined;
    for (const e of this.entries.values()) if (next === undefined || e.dueAt < next) next = e.dueAt;
    return next;
  }
}
