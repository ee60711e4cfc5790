import { isQencodeError, type QencodeError } from './errors';
import type { SigningKeyFor } from './operations';
import type { SigningKey } from './schemas';

/**
 * After a create-signing-key reply was lost: the keys that may be the one it made.
 * `before` is the list read just before the create was sent, so any key missing
 * from it that signs for the same target is a candidate. Matched by target, never by
 * name (the name is set by a later PUT, so a lost reply leaves the key unnamed),
 * and not by time (a server clock may be hours off).
 */
export function newSigningKeys(
  keys: readonly SigningKey[],
  before: ReadonlySet<string>,
  target: SigningKeyFor,
): SigningKey[] {
  return keys.filter((k) => !before.has(k.id) && signsFor(k, target));
}

function signsFor(k: SigningKey, target: SigningKeyFor): boolean {
  if ('streamId' in target)
    return k.target.kind === 'stream' && k.target.streamId.toLowerCase() === target.streamId.trim().toLowerCase();
  if ('domainId' in target) return k.target.kind === 'domain' && k.target.domainId === target.domainId;
  return k.target.kind === 'bucket' && k.target.bucketName === target.bucketName.trim();
}

/**
 * Whether a create's failure leaves it unknown if the create happened: the reply
 * was lost (a timeout, a dropped connection) or unusable, or a 2xx reply said
 * "error" (the server may have acted all the same). The list must then be read again.
 */
export function isLostReply(error: unknown): error is QencodeError {
  if (!isQencodeError(error)) return false;
  if (error.kind === 'timeout' || error.kind === 'network') return true;
  const status = error.status ?? 0;
  return (error.kind === 'invalid-response' || error.kind === 'http') && status >= 200 && status < 300;
}
