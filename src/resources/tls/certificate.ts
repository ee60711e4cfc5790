import type { TlsSubscription } from '../../core';

/* Whether a domain has a working certificate, from the TLS subscriptions as listed. No `vscode` here. */

export type CertificateState = 'issued' | 'pending' | 'failed' | 'expired' | 'other' | 'none';

/** The state of the domain's newest TLS subscription ('none' when it has none). */
export function certificateOf(domainId: string, subscriptions: readonly TlsSubscription[]): CertificateState {
  const newest = subscriptions
    .filter((s) => s.domainId === domainId)
    .sort((a, b) => b.created.getTime() - a.created.getTime())[0];
  if (!newest) return 'none';
  return (['issued', 'pending', 'failed', 'expired'] as const).find((s) => s === newest.status) ?? 'other';
}
