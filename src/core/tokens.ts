/**
 * Access-token cache with a single flight: concurrent callers share one token
 * request. A token is kept until its JWT `exp` less a margin (or 24 h less the
 * margin when `exp` cannot be read), and refreshed before it runs out.
 *
 * A token can outlive the process: `initial` is one kept from before (the extension
 * keeps it in SecretStorage), used while it is valid; `onToken` is told of every token
 * fetched, to keep. A kept token the server refuses is dropped like any other
 * (invalidate), and the next call fetches a new one.
 */
export const TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** Reads `exp` (seconds) from a JWT's payload, without verifying it; ms since the epoch. */
export function readJwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const exp = (claims as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** A token with its expiry, as kept between sessions. */
export interface StoredToken {
  value: string;
  /** When it expires, ms since the epoch. */
  expiresAt: number;
  /** The API origin it was issued for: a client on any other origin never sends it. */
  origin?: string;
}

export interface TokenHooks {
  /** A token kept from before: used while it is valid for longer than the refresh margin. */
  initial?: StoredToken;
  /** Told of each token fetched (not of the initial one). A throw is ignored. */
  onToken?: (token: StoredToken) => void;
}

export class TokenCache {
  private token?: { value: string; expiresAt: number; refreshAt: number };
  private inFlight?: Promise<string>;

  constructor(
    private readonly fetchToken: () => Promise<string>,
    private readonly now: () => number = Date.now,
    private readonly hooks: TokenHooks = {},
  ) {
    const initial = hooks.initial;
    if (initial && typeof initial.value === 'string' && initial.value && Number.isFinite(initial.expiresAt)) {
      // Its lifetime is unknown, so the margin is the full one: never a token that runs out mid-call.
      const refreshAt = initial.expiresAt - REFRESH_MARGIN_MS;
      if (this.now() < refreshAt) this.token = { value: initial.value, expiresAt: initial.expiresAt, refreshAt };
    }
  }

  /** The token held now, valid or not, with its expiry; undefined when there is none. */
  current(): StoredToken | undefined {
    return this.token ? { value: this.token.value, expiresAt: this.token.expiresAt } : undefined;
  }

  /** A valid token: the cached one, the one being fetched, or a new one. */
  async get(signal?: AbortSignal): Promise<string> {
    if (this.token && this.now() < this.token.refreshAt) return this.token.value;
    // A caller that has already given up starts no fetch (whose failure nobody would handle).
    if (signal?.aborted) throw signal.reason;
    this.inFlight ??= this.fetchToken()
      .then((value) => {
        const fetchedAt = this.now();
        const exp = readJwtExpiry(value);
        const lifetime = exp !== undefined ? exp - fetchedAt : TOKEN_LIFETIME_MS;
        // Refresh at exp less the margin, but never hold a token for less than half its life.
        const margin = Math.min(REFRESH_MARGIN_MS, Math.max(0, lifetime / 2));
        const expiresAt = fetchedAt + lifetime;
        this.token = { value, expiresAt, refreshAt: expiresAt - margin };
        try {
          this.hooks.onToken?.({ value, expiresAt });
        } catch {
          // Keeping it is the caller's business; the token is good either way.
        }
        return value;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return abortable(this.inFlight, signal);
  }

  /** Drops a token the server refused, unless a newer one has replaced it already. */
  invalidate(value: string): void {
    if (this.token?.value === value) this.token = undefined;
  }

  clear(): void {
    this.token = undefined;
  }
}

/** Waits for a shared promise, but lets one caller stop waiting without cancelling it for the others. */
export function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
