/*
 * The emulator's own request rules, written from the reference (shared/spec) and
 * nothing else: the client's validators are deliberately not used, so a client rule
 * stricter than the API can still fail a test. Where the reference is silent, the
 * rule accepts. Each rule answers a value to store or the reason for refusing.
 *
 * What the reference states, and so what is checked:
 * - a domain's type is "live" or "vod"; a domain name is a host name (the CNAME the
 *   TLS subscription asks for must be creatable for it);
 * - a bucket access policy is "public" or "authenticated" (checked in the route);
 * - a CORS policy is an object whose attribute names are CORS headers and whose values
 *   are the header values (the list of supported headers was lost from the reference,
 *   so any header name is accepted; values are strings, as the GET example shows, and
 *   numbers, which a server would plausibly write out);
 * - a signing key is for exactly one of a live stream, a live playback domain or a bucket;
 * - a purge names the object by its path.
 * What it is silent on, and so accepted: the format of bucket names (any name that
 * can be a path segment), of stream ids, of signing-key names and of object paths;
 * any length limit beyond DNS's own.
 */
export type Rule<T = string> = { ok: true; value: T } | { ok: false; message: string };

const accept = <T>(value: T): Rule<T> => ({ ok: true, value });
const refuse = (message: string): Rule<never> => ({ ok: false, message });

export const DOMAIN_TYPES = ['live', 'vod'] as const;
export type DomainTypeName = (typeof DOMAIN_TYPES)[number];

export function isDomainType(value: unknown): value is DomainTypeName {
  return (DOMAIN_TYPES as readonly unknown[]).includes(value);
}

const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * A plausible host name, by DNS's limits: at most 253 characters, two labels or more,
 * each 1 to 63 letters, digits or inner hyphens; not an IPv4 address. Case is kept
 * as sent (DNS ignores it; duplicates are compared without it).
 */
export function hostName(value: string): Rule {
  if (value.length === 0 || value.length > 253) return refuse('a domain name has 1 to 253 characters');
  const labels = value.split('.');
  if (labels.length < 2) return refuse('a domain name has at least two labels');
  if (!labels.every((label) => HOST_LABEL.test(label)))
    return refuse('a domain name is labels of letters, digits and inner hyphens, separated by dots');
  if (labels.every((label) => /^\d+$/.test(label))) return refuse('an IP address is not a domain name');
  return accept(value);
}

/** A bucket name: the reference says nothing of its format, so any name that can be one path segment. */
export function bucketName(value: string): Rule {
  if (value.length === 0) return refuse('a bucket name is not empty');
  if (value.includes('/')) return refuse('a bucket name has no "/"');
  return accept(value);
}

/** An object path to purge: any non-empty string, stored as sent. */
export function objectPath(value: string): Rule {
  return value.length > 0 ? accept(value) : refuse('path is empty');
}

/** A CORS header name, as in POST bodies and in DELETE .../cors/{header}: any non-empty name. */
export function corsHeaderName(value: string): Rule {
  return value.length > 0 ? accept(value) : refuse('a CORS header name is not empty');
}

/**
 * A CORS POST body: an object of header name to value. Strings are kept as sent,
 * numbers are stored as the string the GET reply would show ("1600"); any other
 * value (object, array, boolean, null) is refused, naming the header.
 */
export function corsPolicy(body: unknown): Rule<Record<string, string>> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return refuse('expected an object of CORS header names to values');
  const entries: [string, string][] = [];
  for (const [name, value] of Object.entries(body)) {
    const header = corsHeaderName(name);
    if (!header.ok) return header;
    if (typeof value === 'string') entries.push([name, value]);
    else if (typeof value === 'number' && Number.isFinite(value)) entries.push([name, String(value)]);
    else return refuse(`${name}: the value is ${describe(value)}, not a string`);
  }
  // Object.fromEntries keeps a "__proto__" header a plain own key.
  return accept(Object.fromEntries(entries));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return 'a non-finite number';
  return `a ${typeof value}`;
}

/** A signing key's name, when given on create or rename: any string. */
export function signingKeyName(value: unknown): Rule {
  return typeof value === 'string' ? accept(value) : refuse('name is a string');
}
