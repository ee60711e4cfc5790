import * as vscode from 'vscode';
import { onFirstUse } from '../../core/first-use';
import type { DnsCache, DnsResult, DnsVerdict } from './dns-check';

/** The lookups and their cache: dist/dns.js, loaded with the first check (a TLS row of a custom domain, the watch, the setup). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dnsChunk = /* @__PURE__ */ onFirstUse('dns.js', () => require('./dns-check') as typeof import('./dns-check'));

const t = vscode.l10n.t;

/**
 * DNS checks of custom domains, shared by the TLS rows, the watch and the setup:
 * one lookup at a time per name, answers kept for their TTL, and an event when a
 * verdict changes (so rows redraw only then).
 */
export class DnsChecks implements vscode.Disposable {
  /** Made with the first check: until then no answer is kept. */
  private cache?: DnsCache;
  private readonly inFlight = new Map<string, Promise<DnsResult>>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the domain whose verdict changed. */
  readonly onDidChange = this.changed.event;

  /** The answer to show now: fresh, or the last one while a new one is asked. */
  current(domain: string, expected: string | undefined): DnsResult | undefined {
    return this.cache?.get(domain, expected) ?? this.cache?.last(domain, expected);
  }

  isFresh(domain: string, expected: string | undefined): boolean {
    return this.cache?.get(domain, expected) !== undefined;
  }

  /** Looks the name up (unless a fresh answer is kept and `force` is not set). Async: a chunk that fails to load rejects, as a lookup does. */
  async check(domain: string, expected: string | undefined, force = false): Promise<DnsResult> {
    const { checkCname, DnsCache } = dnsChunk();
    const cache = (this.cache ??= new DnsCache());
    const fresh = force ? undefined : cache.get(domain, expected);
    if (fresh) return fresh;
    const key = `${domain}\n${expected ?? ''}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      const before = cache.last(domain, expected);
      pending = checkCname(domain, expected, { servers: servers() })
        .then((result) => {
          cache.set(domain, expected, result);
          if (!before || JSON.stringify(before.verdict) !== JSON.stringify(result.verdict)) this.changed.fire(domain);
          return result;
        })
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  forget(domain: string): void {
    this.cache?.forget(domain);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** `qencodeCdn.dns.servers`, else the system's resolver. */
function servers(): string[] {
  return vscode.workspace
    .getConfiguration('qencodeCdn')
    .get<string[]>('dns.servers', [])
    .filter((s) => typeof s === 'string' && s.trim() !== '');
}

/** The tooltip line: one of the four verdicts the user reads. */
export function describeVerdict(v: DnsVerdict): string {
  switch (v.kind) {
    case 'ok':
      return t('DNS: CNAME points to the target');
    case 'missing':
      return v.address
        ? t('DNS: no CNAME; the name has an address record instead (a flattened or proxied record cannot be checked)')
        : t('DNS: no CNAME yet');
    case 'wrong':
      return t('DNS: points to {0}, expected {1}', v.actual, v.expected);
    case 'points':
      return t('DNS: points to {0}', v.actual);
    case 'unchecked':
      return t('DNS: could not be checked ({0})', v.why);
  }
}

/** A few words for a row's description, where a sidebar is narrow. */
export function shortVerdict(v: DnsVerdict): string {
  switch (v.kind) {
    case 'ok':
      return t('CNAME ok');
    case 'missing':
      return t('no CNAME');
    case 'wrong':
      return t('CNAME wrong');
    case 'points':
      return t('CNAME set');
    case 'unchecked':
      return t('DNS unchecked');
  }
}
