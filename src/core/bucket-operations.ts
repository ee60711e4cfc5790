import type { QencodeClient } from './client';
import { invalidInput } from './errors';
import { checked } from './operations';
import { apiPath } from './paths';
import { CorsReplyWire, StatusWire, type CorsPolicy, type CorsReply } from './schemas';
import { isCorsHeader, validateBucketName, validateCorsDocument, validateObjectPath } from './validators';

/*
 * The bucket operations of the Content Delivery API (operations.ts has the others):
 * the access policy, the CORS policy, and purging the CDN cache. Inputs are checked
 * here, so nothing invalid is ever sent.
 */

export type AccessPolicy = 'public' | 'authenticated';
export const ACCESS_POLICIES: readonly AccessPolicy[] = ['public', 'authenticated'];

export async function setBucketPolicy(
  c: QencodeClient,
  bucketName: string,
  policy: AccessPolicy,
  signal?: AbortSignal,
): Promise<void> {
  const operation = 'set bucket access policy';
  const bucket = checked(operation, validateBucketName(bucketName));
  if (!ACCESS_POLICIES.includes(policy))
    throw invalidInput(operation, 'the policy must be "public" or "authenticated"');
  return c.call(
    {
      operation,
      method: 'PUT',
      path: apiPath(operation, 'buckets', bucket, 'policy', policy),
      schema: StatusWire,
      idempotent: true,
    },
    signal,
  );
}

/**
 * A bucket's CORS policy with the names of the headers the reply held but the client
 * could not use (values that are neither strings nor numbers); numbers come as strings.
 */
export async function getCorsReply(c: QencodeClient, bucketName: string, signal?: AbortSignal): Promise<CorsReply> {
  const operation = 'get CORS policy';
  const bucket = checked(operation, validateBucketName(bucketName));
  return c.call(
    {
      operation,
      method: 'GET',
      path: apiPath(operation, 'buckets', bucket, 'cors'),
      schema: CorsReplyWire,
      idempotent: true,
    },
    signal,
  );
}

/** A bucket's CORS policy. Headers whose values cannot be used are left out without a word: use `getCorsReply` to learn which. */
export async function getCors(c: QencodeClient, bucketName: string, signal?: AbortSignal): Promise<CorsPolicy> {
  return (await getCorsReply(c, bucketName, signal)).policy;
}

export async function setCors(
  c: QencodeClient,
  bucketName: string,
  policy: CorsPolicy,
  signal?: AbortSignal,
): Promise<void> {
  const operation = 'set CORS policy';
  const bucket = checked(operation, validateBucketName(bucketName));
  const body = checked(operation, validateCorsDocument(policy));
  if (Object.keys(body).length === 0)
    throw invalidInput(operation, 'the policy is empty; delete the CORS policy instead');
  return c.call(
    {
      operation,
      method: 'POST',
      path: apiPath(operation, 'buckets', bucket, 'cors'),
      body,
      schema: StatusWire,
      idempotent: true,
    },
    signal,
  );
}

export async function deleteCors(c: QencodeClient, bucketName: string, signal?: AbortSignal): Promise<void> {
  const operation = 'delete CORS policy';
  const bucket = checked(operation, validateBucketName(bucketName));
  return c.call(
    {
      operation,
      method: 'DELETE',
      path: apiPath(operation, 'buckets', bucket, 'cors'),
      schema: StatusWire,
      idempotent: true,
    },
    signal,
  );
}

export async function deleteCorsHeader(
  c: QencodeClient,
  bucketName: string,
  header: string,
  signal?: AbortSignal,
): Promise<void> {
  const operation = 'delete CORS header';
  const bucket = checked(operation, validateBucketName(bucketName));
  if (!isCorsHeader(header)) throw invalidInput(operation, `"${header}" is not a supported CORS header`);
  return c.call(
    {
      operation,
      method: 'DELETE',
      path: apiPath(operation, 'buckets', bucket, 'cors', header),
      schema: StatusWire,
      idempotent: true,
    },
    signal,
  );
}

/** Purges the CDN cache for every object in a bucket. A purge is an idempotent intent, so it may be retried. */
export async function purgeBucket(c: QencodeClient, bucketName: string, signal?: AbortSignal): Promise<void> {
  const operation = 'purge bucket';
  const bucket = checked(operation, validateBucketName(bucketName));
  return c.call(
    {
      operation,
      method: 'POST',
      path: apiPath(operation, 'buckets', bucket, 'cache', 'purge_all'),
      schema: StatusWire,
      idempotent: true,
    },
    signal,
  );
}

export async function purgeObject(
  c: QencodeClient,
  bucketName: string,
  objectPath: string,
  signal?: AbortSignal,
): Promise<void> {
  const operation = 'purge object';
  const bucket = checked(operation, validateBucketName(bucketName));
  const path = checked(operation, validateObjectPath(objectPath));
  return c.call(
    {
      operation,
      method: 'POST',
      path: apiPath(operation, 'buckets', bucket, 'cache', 'purge'),
      body: { path },
      schema: StatusWire,
      idempotent: true,
    },
    signal,
  );
}
