import { Resolver } from 'node:dns/promises';

/*
 * Does a custom domain's CNAME point at the target Qencode named? Resolved with
 * node:dns (the system's resolver, or the servers of `qencodeCdn.dns.servers`),
 * following a chain of CNAMEs. No `vscode` here.
 */
export type DnsVerdict =
  | { kind: 'ok'; chain: string[] }
  /** `address`: the name resolves, but by an address record of its own (or a flattened or proxied one), not a CNAME. */
  | { kind: 'missing'; address?: boolean }
  | { kind: 'wrong'; actual: string; expected: string; chain: string[] }
  /** The CNAME instructions were never seen here: what the name points to, without a judgement. */
  | { kind: 'points'; actual: string; chain: string[] }
  | { kind: 'unchecked'; why: string };

export interface DnsResult {
  verdict: DnsVerdict;
  checkedAt: number;
  /** How long the answer may be kept: the record's TTL, within bounds. */
  ttlMs: number;
}

export interface DnsOptions {
  /** `host` or `host:port`; the system's resolver when empty. */
  servers?: readonly string[];
  timeoutMs?: number;
  now?: () => number;
}

const MAX_HOPS = 8;
const MIN_TTL_MS = 30_000;
const MAX_TTL_MS = 60 * 60_000;
const MISSING_TTL_MS = 60_000;
const UNCHECKED_TTL_MS = 30_000;

export const normaliseHost = (name: string) => name.trim().toLowerCase().replace(/\.$/, '');

export async function checkCname(
  domain: string,
  expected: string | undefined,
  options: DnsOptions = {},
): Promise<DnsResult> {
  const now = options.now ?? Date.now;
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 3000, tries: 2 });
  if (options.servers?.length) {
    try {
      resolver.setServers([...options.servers]);
    } catch (error) {
      return {
        verdict: { kind: 'unchecked', why: `the DNS servers setting is not valid (${(error as Error).message})` },
        checkedAt: now(),
        ttlMs: UNCHECKED_TTL_MS,
      };
    }
  }
  const want = expected ? normaliseHost(expected) : undefined;
  const chain: string[] = [];
  let name = normaliseHost(domain);
  try {
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      let next: string | undefined;
      try {
        next = (await resolver.resolveCname(name))[0];
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'ENODATA' || code === 'ENOTFOUND') break; // the end of the chain (or no name at all)
        throw error;
      }
      if (!next) break;
      name = normaliseHost(next);
      chain.push(name);
      if (want && name === want) break;
    }
  } catch (error) {
    return { verdict: { kind: 'unchecked', why: describe(error) }, checkedAt: now(), ttlMs: UNCHECKED_TTL_MS };
  }
  if (chain.length === 0) {
    const address = await resolver.resolve4(normaliseHost(domain)).then(
      (a) => a.length > 0,
      () => false,
    );
    return {
      verdict: address ? { kind: 'missing', address } : { kind: 'missing' },
      checkedAt: now(),
      ttlMs: MISSING_TTL_MS,
    };
  }
  const ttlMs = await recordTtl(resolver, domain);
  const actual = chain[0]!;
  if (!want) return { verdict: { kind: 'points', actual, chain }, checkedAt: now(), ttlMs };
  if (chain.includes(want)) return { verdict: { kind: 'ok', chain }, checkedAt: now(), ttlMs };
  return { verdict: { kind: 'wrong', actual, expected: want, chain }, checkedAt: now(), ttlMs };
}

/** node:dns gives no TTL for a CNAME; the TTL of the address the chain ends in stands in for it. */
async function recordTtl(resolver: Resolver, domain: string): Promise<number> {
  try {
    const records = await resolver.resolve4(normaliseHost(domain), { ttl: true });
    const ttl = Math.min(...records.map((r) => r.ttl)) * 1000;
    return Number.isFinite(ttl) ? Math.min(MAX_TTL_MS, Math.max(MIN_TTL_MS, ttl)) : MISSING_TTL_MS;
  } catch {
    return MISSING_TTL_MS;
  }
}

function describe(error: unknown): string {
  const code = (error as { code?: string }).code ?? '';
  if (code === 'ETIMEOUT') return 'the DNS server did not answer in time';
  if (code === 'ECONNREFUSED') return 'the DNS server refused the connection';
  if (code === 'ESERVFAIL') return 'the DNS server failed to answer';
  if (code === 'EREFUSED') return 'the DNS server refused the query';
  return code ? `DNS error ${code}` : (error as Error).message;
}

/** Answers kept for their TTL, per domain and expected target. */
export class DnsCache {
  private readonly results = new Map<string, DnsResult>();
  constructor(private readonly now: () => number = Date.now) {}

  get(domain: string, expected: string | undefined): DnsResult | undefined {
    const result = this.results.get(key(domain, expected));
    return result && this.now() < result.checkedAt + result.ttlMs ? result : undefined;
  }

  /** The last answer even if stale (shown while a fresh one is fetched). */
  last(domain: string, expected: string | undefined): DnsResult | undefined {
    return this.results.get(key(domain, expected));
  }

  set(domain: string, expected: string | undefined, result: DnsResult): void {
    this.results.set(key(domain, expected), result);
  }

  forget(domain: string): void {
    for (const k of [...this.results.keys()]) if (k.startsWith(`${normaliseHost(domain)}\n`)) this.results.delete(k);
  }
}

const key = (domain: string, expected: string | undefined) =>
  `${normaliseHost(domain)}\n${expected ? normaliseHost(expected) : ''}`;
