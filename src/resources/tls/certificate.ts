import type { TlsSubscription } from '../../core';

/* A domain's certificate: the CNAME record Qencode asks for, and whether one is issued. No `vscode` here. */

export type CertificateState = 'issued' | 'pending' | 'failed' | 'expired' | 'other' | 'none';

/** The state of the domain's newest TLS subscription ('none' when it has none). */
export function certificateOf(domainId: string, subscriptions: readonly TlsSubscription[]): CertificateState {
  const newest = subscriptions
    .filter((s) => s.domainId === domainId)
    .sort((a, b) => b.created.getTime() - a.created.getTime())[0];
  if (!newest) return 'none';
  return (['issued', 'pending', 'failed', 'expired'] as const).find((s) => s === newest.status) ?? 'other';
}

/** "Create a CNAME for 'x' and point it to 'y'." → { name: x, target: y }. No `vscode` here. */
export function parseCname(message: string | undefined): { name: string; target: string } | undefined {
  const m = /CNAME for '([^']+)' and point it to '([^']+)'/.exec(message ?? '');
  return m ? { name: m[1]!, target: m[2]! } : undefined;
}
