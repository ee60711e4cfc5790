import { z } from 'zod';
import { errorMessage } from './errors';
import type { CorsPolicy } from './schemas';

/*
 * Input validators, shared by the UI (as-you-type messages) and the client
 * (nothing invalid is ever sent). Each rejection says what is wrong in plain words.
 */
export type Validation<T = string> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Validation<T> => ({ ok: true, value });
const fail = (message: string): Validation<never> => ({ ok: false, message });

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** A playback domain name, RFC 1123: labels of 1-63 characters, 253 in all, two labels at least. */
export function validateDomainName(input: string): Validation {
  const name = input.trim().toLowerCase();
  if (!name) return fail('Enter a domain name, e.g. live.example.com.');
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(name) || name.includes('/'))
    return fail('Enter the host name only, without "https://" or a path.');
  if (name.endsWith('.')) return fail('Leave out the trailing dot.');
  if (name.length > 253) return fail(`A domain name has at most 253 characters; this one has ${name.length}.`);
  const labels = name.split('.');
  if (labels.length < 2) return fail('A domain name needs at least two labels, e.g. live.example.com.');
  for (const label of labels) {
    if (!label) return fail('A domain name cannot have an empty label (two dots in a row, or a leading dot).');
    if (label.length > 63) return fail(`The label "${label.slice(0, 20)}…" is longer than 63 characters.`);
    if (!LABEL.test(label)) {
      return fail(
        `The label "${label}" may use only letters, digits and hyphens, and cannot start or end with a hyphen.`,
      );
    }
  }
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) return fail('An IP address is not a domain name.');
  return ok(name);
}

/** A media-storage bucket name, by the S3 rules. */
export function validateBucketName(input: string): Validation {
  const name = input.trim();
  if (!name) return fail('Enter a bucket name.');
  if (name.length < 3 || name.length > 63)
    return fail(`A bucket name has 3 to 63 characters; this one has ${name.length}.`);
  if (/[A-Z]/.test(name)) return fail('A bucket name uses lowercase letters only.');
  if (!/^[a-z0-9.-]+$/.test(name))
    return fail('A bucket name may use only lowercase letters, digits, dots and hyphens.');
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name))
    return fail('A bucket name must start and end with a letter or digit.');
  if (name.includes('..')) return fail('A bucket name cannot have two dots in a row.');
  if (IPV4.test(name)) return fail('A bucket name cannot look like an IP address.');
  for (const prefix of ['xn--', 'sthree-', 'amzn-s3-demo-']) {
    if (name.startsWith(prefix)) return fail(`A bucket name cannot start with "${prefix}".`);
  }
  for (const suffix of ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3']) {
    if (name.endsWith(suffix)) return fail(`A bucket name cannot end with "${suffix}".`);
  }
  return ok(name);
}

/** An object path to purge: a leading "/" is dropped; no ".." segments, no control characters. */
export function validateObjectPath(input: string): Validation {
  if (CONTROL.test(input))
    return fail('An object path cannot contain control characters (tabs, line breaks and the like).');
  const path = input.trim().replace(/^\/+/, '');
  if (!path) return fail('Enter the path of an object in the bucket, e.g. videos/intro/master.m3u8.');
  if (Buffer.byteLength(path, 'utf8') > 1024) return fail('An object path has at most 1024 bytes.');
  if (path.split('/').some((segment) => segment === '..')) return fail('An object path cannot contain ".." segments.');
  return ok(path);
}

/** A signing key's display name. */
export function validateSigningKeyName(input: string): Validation {
  const name = input.trim();
  if (!name) return fail('Enter a name for the signing key.');
  if (name.length > 100) return fail(`A signing key name has at most 100 characters; this one has ${name.length}.`);
  if (CONTROL.test(name)) return fail('A signing key name cannot contain control characters.');
  return ok(name);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A live stream id, a UUID as in the seed. */
export function validateStreamId(input: string): Validation {
  const id = input.trim().toLowerCase();
  if (!id) return fail('Enter the live stream id.');
  if (!UUID.test(id)) return fail('A stream id is a UUID, e.g. 1f1ab6a3-d867-4787-b882-7f2fb1203634.');
  return ok(id);
}

// ---- CORS ----
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const listOf = (item: string) => new RegExp(`^(\\*|${item}(\\s*,\\s*${item})*)$`);
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE'] as const;

/** One header's rule: the value's pattern, the plain-words message, and the hover text. */
function headerRule(pattern: RegExp, message: string, description: string) {
  // patternErrorMessage is VS Code's JSON-schema extension: the editor shows the same words as the validator.
  const patternErrorMessage = `${message.charAt(0).toUpperCase()}${message.slice(1)}.`;
  return z.string().regex(pattern, message).optional().meta({ description, patternErrorMessage });
}

/**
 * The six supported CORS headers and their rules: the one source of truth for the
 * validator, the JSON schema the editor uses, and the emulator.
 */
export const CorsDocumentSchema = z.strictObject({
  'Access-Control-Allow-Origin': headerRule(
    /^(\*|https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)$/,
    'must be "*" or an origin such as "https://example.com" (scheme and host, no path)',
    'Which origin may read responses: "*" for any, or one origin such as "https://player.example.com".',
  ),
  'Access-Control-Allow-Methods': headerRule(
    listOf(`(${HTTP_METHODS.join('|')})`),
    `must be "*" or a comma-separated list of HTTP methods (${HTTP_METHODS.join(', ')})`,
    'HTTP methods allowed in cross-origin requests, e.g. "GET, HEAD, OPTIONS".',
  ),
  'Access-Control-Allow-Headers': headerRule(
    listOf(TOKEN),
    'must be "*" or a comma-separated list of header names',
    'Request headers a cross-origin request may send, e.g. "Range, Authorization".',
  ),
  'Access-Control-Expose-Headers': headerRule(
    listOf(TOKEN),
    'must be "*" or a comma-separated list of header names',
    'Response headers a page may read, e.g. "Content-Length, Content-Range".',
  ),
  'Access-Control-Max-Age': headerRule(
    /^\d{1,10}$/,
    'must be a whole number of seconds written as a string, e.g. "600"',
    'How long, in seconds, browsers may cache a preflight response (the Allow-Methods and Allow-Headers results).',
  ),
  'Access-Control-Allow-Credentials': z
    .enum(['true', 'false'], { error: 'must be the string "true" or "false"' })
    .optional()
    .meta({
      description: 'Whether cross-origin requests may carry credentials (cookies, HTTP auth): "true" or "false".',
    }),
});

export const CORS_HEADERS = Object.keys(CorsDocumentSchema.shape) as (keyof z.infer<typeof CorsDocumentSchema>)[];
export type CorsHeader = (typeof CORS_HEADERS)[number];

export function isCorsHeader(name: string): name is CorsHeader {
  return (CORS_HEADERS as string[]).includes(name);
}

/** Checks a parsed CORS document (an object of header to string value). */
export function validateCorsDocument(doc: unknown): Validation<CorsPolicy> {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return fail('A CORS policy is a JSON object of header names to values, e.g. {"Access-Control-Allow-Origin": "*"}.');
  }
  for (const key of Object.keys(doc)) {
    if (!isCorsHeader(key)) {
      const hint = CORS_HEADERS.find((h) => h.toLowerCase() === key.toLowerCase());
      return fail(
        hint
          ? `"${key}" must be written "${hint}".`
          : `"${key}" is not a supported CORS header. Supported: ${CORS_HEADERS.join(', ')}.`,
      );
    }
  }
  const parsed = CorsDocumentSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const header = String(issue?.path[0] ?? 'the document');
    const message = issue?.code === 'invalid_type' ? 'must be a string' : (issue?.message ?? 'is not valid');
    return fail(`${header} ${message}.`);
  }
  const policy: CorsPolicy = {};
  for (const [k, v] of Object.entries(parsed.data)) if (typeof v === 'string') policy[k] = v;
  return ok(policy);
}

/** One thing wrong in a CORS document's text, and the header it is about when it is about one. */
export interface CorsProblem {
  message: string;
  header?: string;
}

/**
 * Every problem of a CORS document's text, header by header (the editor marks each as
 * an error where it is); the same rules as validateCorsDocument, which stops at the first.
 */
export function corsDocumentProblems(text: string): CorsProblem[] {
  let doc: unknown;
  try {
    doc = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    return [{ message: `The document is not valid JSON: ${errorMessage(error)}.` }];
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    return [{ message: (validateCorsDocument(doc) as { message: string }).message }];
  const problems: CorsProblem[] = [];
  for (const [key, value] of Object.entries(doc)) {
    const r = validateCorsDocument({ [key]: value });
    if (!r.ok) problems.push({ message: r.message, header: key });
  }
  return problems;
}

/** Parses and checks the text of a CORS document. */
export function parseCorsDocument(text: string): Validation<CorsPolicy> {
  let doc: unknown;
  try {
    doc = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    return fail(`The document is not valid JSON: ${errorMessage(error)}.`);
  }
  return validateCorsDocument(doc);
}

/** The JSON schema the editor validates CORS documents with, generated from CorsDocumentSchema. */
export function corsJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(CorsDocumentSchema, { target: 'draft-7' }) as Record<string, unknown>;
}

/** "There can be at most 20 custom domains" (the API reference); past that, Qencode support raises the limit. */
export const MAX_DOMAINS = 20;
