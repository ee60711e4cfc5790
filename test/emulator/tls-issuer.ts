import { Resolver } from 'node:dns/promises';

/*
 * How the emulator issues certificates when it is given a DNS server: a pending
 * subscription turns `issued` once its domain's CNAME resolves to the target, and
 * `failed` when the CNAME points elsewhere for longer than `failAfterMs`. A
 * missing CNAME keeps it pending, as Qencode does while it waits.
 */
export interface IssuerOptions {
  /** `127.0.0.1:port` of the DNS server to ask. */
  server: string;
  /** A CNAME that points elsewhere this long makes the subscription fail. */
  failAfterMs?: number;
  /** How often a pending subscription's DNS is looked at. */
  checkMs?: number;
  /** The least time a subscription stays pending, even with its CNAME right (the demo shows it pending first). */
  issueAfterMs?: number;
}

export interface IssuableTls {
  status: string;
  message?: string;
  expires?: string;
}

export const CERTIFICATE_DAYS = 90;

export class TlsIssuer {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly resolver = new Resolver({ timeout: 500, tries: 1 });

  constructor(
    private readonly options: IssuerOptions,
    private readonly target: string,
    private readonly stamp: (date: Date) => string,
  ) {
    this.resolver.setServers([options.server]);
  }

  watch(t: IssuableTls, domain: string): void {
    let wrongSince: number | undefined;
    const since = Date.now();
    const timer = setInterval(() => {
      if (t.status !== 'pending') return this.drop(timer);
      if (Date.now() - since < (this.options.issueAfterMs ?? 0)) return;
      void this.pointsTo(domain).then((actual) => {
        if (t.status !== 'pending') return;
        const want = norm(this.target);
        if (actual === want) {
          t.status = 'issued';
          t.expires = this.stamp(new Date(Date.now() + CERTIFICATE_DAYS * 86_400_000));
          return this.drop(timer);
        }
        if (actual === undefined) {
          wrongSince = undefined;
          return;
        }
        wrongSince ??= Date.now();
        if (Date.now() - wrongSince >= (this.options.failAfterMs ?? 30_000)) {
          t.status = 'failed';
          t.message = `Domain verification failed: the CNAME for '${domain}' points to '${actual}.', not to '${this.target}'. Fix the record, then renew the subscription.`;
          this.drop(timer);
        }
      });
    }, this.options.checkMs ?? 250);
    timer.unref();
    this.timers.add(timer);
  }

  /** The end of the name's CNAME chain, if it has one. */
  private async pointsTo(name: string): Promise<string | undefined> {
    let current = norm(name);
    let last: string | undefined;
    for (let hop = 0; hop < 8; hop++) {
      try {
        const next = (await this.resolver.resolveCname(current))[0];
        if (!next) break;
        current = norm(next);
        last = current;
        if (current === norm(this.target)) break;
      } catch {
        break;
      }
    }
    return last;
  }

  private drop(timer: NodeJS.Timeout): void {
    clearInterval(timer);
    this.timers.delete(timer);
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
  }
}

const norm = (s: string) => s.trim().toLowerCase().replace(/\.$/, '');
