/*
 * A rate limit as CDNs enforce them: a token bucket of `burst` requests that refills at
 * `perSecond`. A request that finds it empty is refused with 429 and a Retry-After of
 * the whole seconds until a token is back (at least 1, as HTTP's delay-seconds are
 * whole). The reference says nothing of Qencode's limits: this is the emulator's choice.
 */
export interface RateLimitOptions {
  /** Requests per second, sustained. */
  perSecond: number;
  /** Requests allowed at once from a full bucket. Default: one second's worth. */
  burst?: number;
  /** A regular expression of the paths it applies to; default every API route but the token route. */
  path?: string;
}

export class RateLimiter {
  private tokens: number;
  private last: number;
  private readonly burst: number;
  private readonly path?: RegExp;
  /** Requests it let through, and refused. */
  accepted = 0;
  refused = 0;

  constructor(
    readonly options: RateLimitOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(options.perSecond > 0)) throw new Error('perSecond must be positive');
    this.burst = Math.max(1, options.burst ?? options.perSecond);
    this.tokens = this.burst;
    this.last = now();
    if (options.path) this.path = new RegExp(options.path);
  }

  /** Takes a token for a request to `path`: undefined when it may go on, else the Retry-After in seconds. */
  check(path: string): number | undefined {
    if (this.path ? !this.path.test(path) : path.startsWith('/v1/access_token/')) return undefined;
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.options.perSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.accepted++;
      return undefined;
    }
    this.refused++;
    return Math.max(1, Math.ceil((1 - this.tokens) / this.options.perSecond));
  }
}
