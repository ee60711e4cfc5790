import { pause } from './pause';

/*
 * One gate for every request of a kind, so that a rate limit is met by all the
 * workers of a bulk purge together, not by each on its own:
 *
 * - Open until the first 429: nothing is known of the limit, so nothing is slowed.
 * - A 429 pauses every request behind the gate until its Retry-After (1 s without
 *   one). A 429 to a request already in flight when the pause began (sent in an
 *   earlier epoch) joins that pause, extending it to its own Retry-After if later; it
 *   does not start another, nor teach anything.
 * - When the pause ends, requests go out paced, one every 1/rate seconds in the order
 *   they asked, never in a burst.
 * - The rate is learned from the replies, at each new pause, and multiplied by
 *   `decrease` (0.9) to stay under the limit:
 *   - At the first 429 of a stretch of sending: what the server let through since the
 *     stretch began, spread over the stretch and the pause ahead. This is exact when
 *     the server's burst allowance is one pause's refill (a "50 per second" limit with
 *     Retry-After: 1), and a guess otherwise; so until the next 429 the rate grows fast
 *     (`probeIncrease`, 25% per second) while it holds requests back.
 *   - At a later 429: the limit lies between what the server let through since the
 *     last pause began (its bucket was empty then and is again now, so that is what it
 *     refilled, less what overflowed a full bucket) and the pace that has just drawn
 *     the 429. The rate becomes the higher of the first and 0.8 of the second, and
 *     grows slowly after (`increase`, 0.5% per second held back: additive increase).
 * - A 429 with Retry-After: 0 pauses nothing and teaches nothing: the server said to
 *   retry at once.
 *
 * test/unit/rate-gate.test.ts runs it in virtual time against a token bucket.
 * Nothing here sends or retries: the caller asks acquire() before each send and
 * reports the reply (accepted or throttled); the retry loop re-sends a throttled
 * request through the gate. See QencodeClient (client.ts).
 */

export interface RateGateOptions {
  /** Clock, ms. */
  now?: () => number;
  /** Waits `ms` (or rejects with the signal's reason). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Applied to the measured rate at each new pause. Default 0.9. */
  decrease?: number;
  /** Growth per second of held-back sending without a 429, as a share of the rate. Default 0.005. */
  increase?: number;
  /** Growth per second while the rate is a first guess (until the next 429). Default 0.25. */
  probeIncrease?: number;
  /** The pause after a 429 without Retry-After. Default 1000 ms. */
  defaultPauseMs?: number;
  /** A gap in sending longer than this ends a stretch. Default 1000 ms. */
  windowMs?: number;
  /** The slowest pace, requests per second. Default 1. */
  minRate?: number;
}

/** What acquire() hands out; given back with the reply. */
export interface GateTicket {
  readonly sentAt: number;
  /** Pauses begun before it was let through. */
  readonly epoch: number;
}

export interface GateStats {
  /** Pauses begun (one per 429 to a request sent while the gate was open). */
  pauses: number;
  /** 429s reported. */
  throttled: number;
  /** Of those, to requests already in flight when their pause began. */
  inFlight: number;
  /** 429s with Retry-After: 0, which pause nothing. */
  immediate: number;
  /** Requests let through. */
  sent: number;
  /** The pace now, requests per second; undefined while the gate is open. */
  rate?: number;
}

/** acquire() would wait longer than its caller allows: the pause ends in `waitMs`. */
export class GateClosedError extends Error {
  constructor(readonly waitMs: number) {
    super(`rate limited for another ${Math.ceil(waitMs / 1000)} s`);
  }
}

export class RateGate {
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly decrease: number;
  private readonly increase: number;
  private readonly probeIncrease: number;
  private readonly defaultPauseMs: number;
  private readonly windowMs: number;
  private readonly minRate: number;
  private pausedUntil = -Infinity;
  private pauseStartedAt = -Infinity;
  private rate?: number;
  /** The rate is a guess, from less than a window of replies. */
  private probing = false;
  private nextSlot = -Infinity;
  /** Reply times of accepted requests, oldest first, for the last MAX_WINDOW_MS. */
  private acceptedAt: number[] = [];
  /** When the current stretch of sending began (a quiet window ends a stretch; a pause does not). */
  private busySince = -Infinity;
  private lastSentAt = -Infinity;
  private lastGrowth = -Infinity;
  /** The pace held a request back since lastGrowth. */
  private heldBack = false;
  private readonly counts = { pauses: 0, throttled: 0, inFlight: 0, immediate: 0, sent: 0 };

  constructor(options: RateGateOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? pause;
    this.decrease = options.decrease ?? 0.9;
    this.increase = options.increase ?? 0.005;
    this.probeIncrease = options.probeIncrease ?? 0.25;
    this.defaultPauseMs = options.defaultPauseMs ?? 1000;
    this.windowMs = options.windowMs ?? 1000;
    this.minRate = options.minRate ?? 1;
  }

  get stats(): GateStats {
    return { ...this.counts, ...(this.rate !== undefined ? { rate: this.rate } : {}) };
  }

  /**
   * Waits until a request may be sent: the pause over and its slot in the pace come.
   * Throws GateClosedError, at once, when the pause would outlast `maxWaitMs`.
   */
  async acquire(signal?: AbortSignal, maxWaitMs = Infinity): Promise<GateTicket> {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const now = this.now();
      if (now < this.pausedUntil) {
        if (this.pausedUntil - now > maxWaitMs) throw new GateClosedError(this.pausedUntil - now);
        await this.sleep(this.pausedUntil - now, signal);
        continue;
      }
      if (this.rate === undefined) return this.ticket(now);
      this.grow(now);
      const slot = Math.max(now, this.nextSlot);
      this.nextSlot = slot + 1000 / this.rate;
      if (slot <= now) return this.ticket(now);
      this.heldBack = true;
      await this.sleep(slot - now, signal);
      // A pause that began meanwhile is waited for, and a new slot taken after it.
      if (this.now() >= this.pausedUntil) return this.ticket(this.now());
    }
  }

  /** The request got a reply that is not a 429: the limiter let it through. */
  accepted(_ticket: GateTicket): void {
    const now = this.now();
    this.acceptedAt.push(now);
    if (this.acceptedAt.length > 1024 && this.acceptedAt[0]! < now - MAX_WINDOW_MS)
      this.acceptedAt = this.acceptedAt.filter((t) => t >= now - MAX_WINDOW_MS);
  }

  /** The request got a 429; `retryAfterMs` from its Retry-After, if it had one. */
  throttled(ticket: GateTicket, retryAfterMs?: number): void {
    const now = this.now();
    this.counts.throttled++;
    const pauseMs = retryAfterMs ?? this.defaultPauseMs;
    if (ticket.epoch < this.counts.pauses) {
      // Sent before the pause began: part of it.
      this.counts.inFlight++;
      this.pausedUntil = Math.max(this.pausedUntil, now + pauseMs);
      return;
    }
    if (pauseMs <= 0) {
      this.counts.immediate++;
      return;
    }
    this.counts.pauses++;
    let estimate: number;
    if (this.rate !== undefined && now - this.pauseStartedAt <= MAX_WINDOW_MS) {
      // The limit lies between two rates. Below: what the server let through since the last
      // pause began (its bucket was empty then and is again now, so this is what it refilled,
      // less whatever overflowed a full bucket). Above: the pace that has just drawn this 429.
      const floor = this.acceptedSince(this.pauseStartedAt) / ((now - this.pauseStartedAt) / 1000);
      estimate = Math.max(floor, this.rate * CEILING_SHARE);
      this.probing = false;
    } else {
      // The first 429 of a stretch: what was let through since it began, spread over it and the
      // pause ahead, as if the server's burst allowance were one pause's refill. A guess: probe.
      const since = Math.max(this.busySince, now - MAX_WINDOW_MS);
      estimate = this.acceptedSince(since) / ((Math.max(now - since, MIN_SPAN_MS) + pauseMs) / 1000);
      this.probing = true;
    }
    this.rate = Math.max(this.minRate, Math.min(this.rate ?? Infinity, estimate) * this.decrease);
    this.pauseStartedAt = now;
    this.pausedUntil = now + pauseMs;
    this.nextSlot = this.pausedUntil;
    this.lastGrowth = this.pausedUntil;
    this.heldBack = false;
  }

  private acceptedSince(since: number): number {
    return this.acceptedAt.length - lowerBound(this.acceptedAt, since);
  }

  private ticket(now: number): GateTicket {
    if (now - this.lastSentAt > this.windowMs) this.busySince = now;
    this.lastSentAt = now;
    this.counts.sent++;
    return { sentAt: now, epoch: this.counts.pauses };
  }

  /** Raises the rate for each second the pace held requests back without a 429. */
  private grow(now: number): void {
    if (this.rate === undefined || now - this.lastGrowth < 1000) return;
    if (this.heldBack)
      this.rate *= 1 + (this.probing ? this.probeIncrease : this.increase) * ((now - this.lastGrowth) / 1000);
    this.heldBack = false;
    this.lastGrowth = now;
  }
}

/** Accepted replies are kept this long: the longest window (Retry-After is followed up to 30 s). */
const MAX_WINDOW_MS = 30_000;
/** Between the two bounds of a later pause, how far below the pace that drew the 429 the limit is taken to be, at most. */
const CEILING_SHARE = 0.8;
/** A rate is never measured over less than this. */
const MIN_SPAN_MS = 100;

/** The index of the first element >= x in a sorted array. */
function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
