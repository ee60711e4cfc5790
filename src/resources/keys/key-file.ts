import type { SigningKey } from '../../core';
import { formatDay } from '../../core';

/*
 * File names for private keys. No `vscode` here. A name a person can read: the
 * key's name, else what it signs for and the day it was made; never the bare UUID.
 */
const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 60);

export function keyFileBase(key: Pick<SigningKey, 'id' | 'name' | 'target' | 'created'>, domainName?: string): string {
  const named = slug(key.name ?? '');
  if (named) return named;
  const day = formatDay(key.created);
  const when = day === 'unknown date' ? '' : `-${day}`;
  const t = key.target;
  const what =
    t.kind === 'stream'
      ? `stream-${slug(t.streamId).slice(0, 8)}`
      : t.kind === 'domain'
        ? slug(domainName ?? `domain-${t.domainId.slice(0, 8)}`)
        : t.kind === 'bucket'
          ? `bucket-${slug(t.bucketName)}`
          : 'signing-key';
  return `${what || 'signing-key'}${when}`;
}
