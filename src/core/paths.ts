import { invalidInput } from './errors';

/**
 * Builds an API path from segments. Each segment is percent-encoded, so an id or
 * bucket name can never add a segment, a query or a fragment; `.`, `..` and empty
 * segments are refused because servers and proxies collapse them.
 */
export function apiPath(operation: string, ...segments: string[]): string {
  return '/v1/' + segments.map((s) => encodeSegment(operation, s)).join('/');
}

export function encodeSegment(operation: string, segment: string): string {
  if (typeof segment !== 'string' || segment.length === 0) {
    throw invalidInput(operation, 'an id or name in the request path is empty');
  }
  if (segment === '.' || segment === '..') {
    throw invalidInput(operation, `"${segment}" cannot be used as an id or name`);
  }
  try {
    return encodeURIComponent(segment);
  } catch {
    // encodeURIComponent throws on lone surrogates.
    throw invalidInput(operation, 'an id or name in the request path is not valid text');
  }
}
