import type { QencodeClient } from './client';
import { invalidInput } from './errors';
import { apiPath } from './paths';
import {
  CreatedSigningKeyWire,
  DomainWire,
  SigningKeyWire,
  StatusWire,
  TlsSubscriptionWire,
  list,
  single,
  type CreatedSigningKey,
  type Domain,
  type DomainType,
  type Listed,
  type SigningKey,
  type TlsSubscription,
} from './schemas';
import {
  validateBucketName,
  validateDomainName,
  validateSigningKeyName,
  validateStreamId,
  type Validation,
} from './validators';

/*
 * One function per operation of the Content Delivery API. Inputs are checked
 * here, so nothing invalid is ever sent, whoever the caller is.
 */

export function checked<T>(operation: string, v: Validation<T>): T {
  if (!v.ok) throw invalidInput(operation, v.message);
  return v.value;
}

const DomainResponse = single('domain', DomainWire);
const DomainList = list('domains', DomainWire);
const TlsResponse = single('tls_subscription', TlsSubscriptionWire);
const TlsList = list('tls_subscriptions', TlsSubscriptionWire);
const SigningKeyResponse = single('signing_key', SigningKeyWire);
const CreatedSigningKeyResponse = single('signing_key', CreatedSigningKeyWire);
const SigningKeyList = list('signing_keys', SigningKeyWire);

// ---- playback domains ----
export async function createDomain(
  c: QencodeClient,
  input: { name: string; type: DomainType },
  signal?: AbortSignal,
): Promise<Domain> {
  const operation = 'create domain';
  const name = checked(operation, validateDomainName(input.name));
  if (input.type !== 'live' && input.type !== 'vod')
    throw invalidInput(operation, 'the domain type must be "live" or "vod"');
  return c.call(
    {
      operation,
      method: 'POST',
      path: apiPath(operation, 'domains'),
      body: { name, type: input.type },
      schema: DomainResponse,
      idempotent: false,
    },
    signal,
  );
}

export async function getDomain(c: QencodeClient, id: string, signal?: AbortSignal): Promise<Domain> {
  const operation = 'get domain';
  return c.call(
    { operation, method: 'GET', path: apiPath(operation, 'domains', id), schema: DomainResponse, idempotent: true },
    signal,
  );
}

/** All domains, or only live or only vod ones (`GET /v1/domains/{type}`). */
export async function listDomains(
  c: QencodeClient,
  type?: DomainType,
  signal?: AbortSignal,
): Promise<Listed<Domain>[]> {
  const operation = 'list domains';
  const path = type ? apiPath(operation, 'domains', type) : apiPath(operation, 'domains');
  return c.call({ operation, method: 'GET', path, schema: DomainList, idempotent: true }, signal);
}

/** Points a vod domain at a bucket. Live domains cannot be updated. */
export async function setDomainBucket(
  c: QencodeClient,
  id: string,
  bucketName: string,
  signal?: AbortSignal,
): Promise<Domain> {
  const operation = 'update domain';
  const bucket = checked(operation, validateBucketName(bucketName));
  return c.call(
    {
      operation,
      method: 'PUT',
      path: apiPath(operation, 'domains', id),
      body: { bucket_name: bucket },
      schema: DomainResponse,
      idempotent: true,
    },
    signal,
  );
}

export async function deleteDomain(c: QencodeClient, id: string, signal?: AbortSignal): Promise<void> {
  const operation = 'delete domain';
  return c.call(
    { operation, method: 'DELETE', path: apiPath(operation, 'domains', id), schema: StatusWire, idempotent: true },
    signal,
  );
}

// ---- TLS subscriptions ----
export async function createTlsSubscription(
  c: QencodeClient,
  domainId: string,
  signal?: AbortSignal,
): Promise<TlsSubscription> {
  const operation = 'create TLS subscription';
  if (!domainId.trim()) throw invalidInput(operation, 'choose a domain');
  return c.call(
    {
      operation,
      method: 'POST',
      path: apiPath(operation, 'tls', 'subscriptions'),
      body: { domain_id: domainId },
      schema: TlsResponse,
      idempotent: false,
    },
    signal,
  );
}

export async function getTlsSubscription(c: QencodeClient, id: string, signal?: AbortSignal): Promise<TlsSubscription> {
  const operation = 'get TLS subscription';
  return c.call(
    {
      operation,
      method: 'GET',
      path: apiPath(operation, 'tls', 'subscriptions', id),
      schema: TlsResponse,
      idempotent: true,
    },
    signal,
  );
}

export async function listTlsSubscriptions(c: QencodeClient, signal?: AbortSignal): Promise<Listed<TlsSubscription>[]> {
  const operation = 'list TLS subscriptions';
  return c.call(
    { operation, method: 'GET', path: apiPath(operation, 'tls', 'subscriptions'), schema: TlsList, idempotent: true },
    signal,
  );
}

export async function deleteTlsSubscription(c: QencodeClient, id: string, signal?: AbortSignal): Promise<void> {
  const operation = 'delete TLS subscription';
  return c.call(
    {
      operation,
      method: 'DELETE',
      path: apiPath(operation, 'tls', 'subscriptions', id),
      schema: StatusWire,
      idempotent: true,
    },
    signal,
  );
}

// ---- signing keys ----
/** What a new signing key signs for: a live stream, a live playback domain, or a bucket. */
export type SigningKeyFor = { streamId: string } | { domainId: string } | { bucketName: string };

/**
 * Creates a signing key for one target. The body is that target's field alone
 * (`stream_id`, `domain_id` or `bucket_name`), as in the reference; a name is given
 * afterwards with `renameSigningKey`. A target naming more than one field is refused.
 */
export async function createSigningKey(
  c: QencodeClient,
  target: SigningKeyFor,
  signal?: AbortSignal,
): Promise<CreatedSigningKey> {
  const operation = 'create signing key';
  const given = (['streamId', 'domainId', 'bucketName'] as const).filter(
    (k) => k in target && (target as Record<string, unknown>)[k] !== undefined,
  );
  if (given.length !== 1) throw invalidInput(operation, 'choose one target: a live stream, a live domain or a bucket');
  let body: { stream_id: string } | { domain_id: string } | { bucket_name: string };
  if ('streamId' in target) body = { stream_id: checked(operation, validateStreamId(target.streamId)) };
  else if ('domainId' in target) {
    if (typeof target.domainId !== 'string' || !target.domainId.trim())
      throw invalidInput(operation, 'choose a live domain');
    body = { domain_id: target.domainId };
  } else body = { bucket_name: checked(operation, validateBucketName(target.bucketName)) };
  return c.call(
    {
      operation,
      method: 'POST',
      path: apiPath(operation, 'signing-keys'),
      body,
      schema: CreatedSigningKeyResponse,
      idempotent: false,
      // The private key comes once: a reply that also says "error" still gives it to the user.
      salvage: (key, failure) => ({
        ...key,
        problem: `the server also reported a failure (${failure}); check the key in the list`,
      }),
    },
    signal,
  );
}

export async function getSigningKey(c: QencodeClient, id: string, signal?: AbortSignal): Promise<SigningKey> {
  const operation = 'get signing key';
  return c.call(
    {
      operation,
      method: 'GET',
      path: apiPath(operation, 'signing-keys', id),
      schema: SigningKeyResponse,
      idempotent: true,
    },
    signal,
  );
}

export async function listSigningKeys(c: QencodeClient, signal?: AbortSignal): Promise<Listed<SigningKey>[]> {
  const operation = 'list signing keys';
  return c.call(
    { operation, method: 'GET', path: apiPath(operation, 'signing-keys'), schema: SigningKeyList, idempotent: true },
    signal,
  );
}

export async function renameSigningKey(
  c: QencodeClient,
  id: string,
  name: string,
  signal?: AbortSignal,
): Promise<SigningKey> {
  const operation = 'rename signing key';
  const body = { name: checked(operation, validateSigningKeyName(name)) };
  return c.call(
    {
      operation,
      method: 'PUT',
      path: apiPath(operation, 'signing-keys', id),
      body,
      schema: SigningKeyResponse,
      idempotent: true,
    },
    signal,
  );
}

export async function deleteSigningKey(c: QencodeClient, id: string, signal?: AbortSignal): Promise<void> {
  const operation = 'delete signing key';
  return c.call(
    { operation, method: 'DELETE', path: apiPath(operation, 'signing-keys', id), schema: StatusWire, idempotent: true },
    signal,
  );
}
