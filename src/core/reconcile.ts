import type { SigningKeyFor } from './operations';
import type { SigningKey } from './schemas';

/** Server and editor clocks may differ; a key created this long before the request was sent is not ours. */
export const CLOCK_SKEW_MS = 10 * 60_000;

/**
 * After a create-signing-key reply was lost: the keys that may be the one it made.
 * Matched by what the key signs for and when it was created, never by name (the
 * name is set by a later PUT, so a lost reply leaves the key unnamed).
 */
export function newSigningKeys(keys: readonly SigningKey[], before: ReadonlySet<string>, target: SigningKeyFor, sentAt: Date, skewMs = CLOCK_SKEW_MS): SigningKey[] {
  return keys.filter((k) => !before.has(k.id) && signsFor(k, target) && k.created.getTime() >= sentAt.getTime() - skewMs);
}

function signsFor(k: SigningKey, target: SigningKeyFor): boolean {
  if ('streamId' in target) return k.target.kind === 'stream' && k.target.streamId.toLowerCase() === target.streamId.trim().toLowerCase();
  if ('domainId' in target) return k.target.kind === 'domain' && k.target.domainId === target.domainId;
  return k.target.kind === 'bucket' && k.target.bucketName === target.bucketName.trim();
}
