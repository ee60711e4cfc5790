/*
 * The CORS check of the Fetch standard (https://fetch.spec.whatwg.org/#http-cors-protocol),
 * as a browser runs it for a page on `origin` that reads an object of another origin:
 * whether a preflight is needed, whether the preflight's answer lets the request go, and
 * whether the answer to the request may be read. Pure: headers in, a verdict out, with
 * the header that decided it. No `vscode`, no network.
 */

/** Response headers as sent: names in any case, each value as one string (repeated headers joined by ", "). */
export type HeaderList = readonly (readonly [name: string, value: string])[];

/** What the page asks for. */
export interface CorsRequest {
  /** The page's origin, serialized: "https://app.example.com" (or "null"). */
  origin: string;
  method: string;
  /** Request headers the page sets (not those the browser adds), e.g. [["Range", "bytes=0-1023"]]. */
  headers: HeaderList;
  /** credentials: 'include' (or XMLHttpRequest.withCredentials). */
  credentials: boolean;
}

export type CorsStep = 'preflight' | 'request';

/** Why a step failed, with the header that decided it (as the edge sent it, or missing). */
export interface CorsFailure {
  step: CorsStep;
  header: string;
  /** The header's value as sent; undefined when it was missing. */
  value: string | undefined;
  /** A sentence that says what the browser does and why. */
  reason: string;
}

export interface CorsVerdict {
  allowed: boolean;
  problems: CorsFailure[];
  /** Not failures, but worth knowing (a missing `Vary: Origin`, a short preflight cache). */
  notes: string[];
  /** How long a browser keeps the preflight's answer, in seconds (the Fetch default is 5). */
  preflightCacheSeconds?: number;
}

const SAFELISTED_METHODS = new Set(['GET', 'HEAD', 'POST']);
const SAFE_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);
// Bytes that make a safelisted header unsafe (Fetch: CORS-unsafe request-header byte).
// eslint-disable-next-line no-control-regex
const UNSAFE_BYTE = /[\x00-\x08\x0a-\x1f"():<>?@[\\\]{}\x7f]/;

/** Whether a request header may be sent without a preflight (Fetch: CORS-safelisted request-header). */
export function isSafelistedHeader(name: string, value: string): boolean {
  if (value.length > 128) return false;
  switch (name.toLowerCase()) {
    case 'accept':
      return !UNSAFE_BYTE.test(value);
    case 'accept-language':
    case 'content-language':
      return /^[0-9A-Za-z *,\-.;=]*$/.test(value);
    case 'content-type': {
      if (UNSAFE_BYTE.test(value)) return false;
      const essence = value.split(';')[0]!.trim().toLowerCase();
      return SAFE_CONTENT_TYPES.has(essence);
    }
    case 'range':
      // A simple range only: one range, "bytes=N-" or "bytes=N-M".
      return (
        /^bytes=\d+-(\d+)?$/.test(value) &&
        (() => {
          const [start, end] = value.slice(6).split('-');
          return !end || Number(start) <= Number(end);
        })()
      );
    default:
      return false;
  }
}

/** The request headers a preflight must ask for: names, lowercased, sorted, without duplicates. */
export function unsafeHeaderNames(headers: HeaderList): string[] {
  return [...new Set(headers.filter(([n, v]) => !isSafelistedHeader(n, v)).map(([n]) => n.toLowerCase()))].sort();
}

/** Whether the request needs a preflight: a method other than GET, HEAD, POST, or a header that is not safelisted. */
export function needsPreflight(request: CorsRequest): boolean {
  return !SAFELISTED_METHODS.has(request.method.toUpperCase()) || unsafeHeaderNames(request.headers).length > 0;
}

/** A header's value as the edge sent it; repeated headers are one value joined by ", ", as fetch combines them. */
export function headerValue(headers: HeaderList, name: string): string | undefined {
  const values = headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
  return values.length ? values.join(', ') : undefined;
}

/** A comma-separated list of tokens (Allow-Methods, Allow-Headers); undefined when a member is not a token. */
function tokens(value: string | undefined): string[] | undefined {
  if (value === undefined) return [];
  const parts = value
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
  return parts.every((p) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(p)) ? parts : undefined;
}

/** The CORS check (Fetch 4.9): may a page on `origin` read a response with these headers? */
export function corsCheck(
  headers: HeaderList,
  origin: string,
  credentials: boolean,
  step: CorsStep,
): CorsFailure | undefined {
  const allowOrigin = headerValue(headers, 'Access-Control-Allow-Origin');
  const fail = (header: string, value: string | undefined, reason: string): CorsFailure => ({
    step,
    header,
    value,
    reason,
  });
  if (allowOrigin === undefined)
    return fail('Access-Control-Allow-Origin', undefined, 'the answer has no Access-Control-Allow-Origin header');
  if (allowOrigin.includes(','))
    return fail(
      'Access-Control-Allow-Origin',
      allowOrigin,
      'Access-Control-Allow-Origin holds more than one value (or was sent twice); browsers accept exactly one origin or *',
    );
  if (allowOrigin === '*' && !credentials) return undefined;
  if (allowOrigin === '*')
    return fail(
      'Access-Control-Allow-Origin',
      allowOrigin,
      'a request with credentials is never allowed by "*": the answer must name the origin',
    );
  if (allowOrigin !== origin)
    return fail('Access-Control-Allow-Origin', allowOrigin, `the edge allows only ${allowOrigin}, not ${origin}`);
  if (!credentials) return undefined;
  const allowCredentials = headerValue(headers, 'Access-Control-Allow-Credentials');
  if (allowCredentials !== 'true')
    return fail(
      'Access-Control-Allow-Credentials',
      allowCredentials,
      'a request with credentials needs Access-Control-Allow-Credentials: true',
    );
  return undefined;
}

/** Whether the status of a preflight's answer is "ok" (200 to 299), as Fetch requires. */
function isOkStatus(status: number): boolean {
  return status >= 200 && status <= 299;
}

/**
 * The preflight's answer (Fetch 4.8, CORS-preflight fetch): its status, the CORS check,
 * then the methods and headers it allows; and how long a browser caches it.
 */
export function judgePreflight(
  request: CorsRequest,
  status: number,
  headers: HeaderList,
): { problem?: CorsFailure; cacheSeconds: number } {
  const max = headerValue(headers, 'Access-Control-Max-Age');
  // Clamped: a value of hundreds of digits is still a number of seconds to say, not Infinity.
  const cacheSeconds =
    max !== undefined && /^\d+$/.test(max.trim()) ? Math.min(Number(max.trim()), Number.MAX_SAFE_INTEGER) : 5;
  const fail = (header: string, value: string | undefined, reason: string) => ({
    problem: { step: 'preflight' as const, header, value, reason },
    cacheSeconds,
  });
  if (!isOkStatus(status))
    return fail(
      '(status)',
      String(status),
      `the preflight was answered ${status}, and only 200 to 299 lets the request go`,
    );
  const check = corsCheck(headers, request.origin, request.credentials, 'preflight');
  if (check) return { problem: check, cacheSeconds };
  const methodsValue = headerValue(headers, 'Access-Control-Allow-Methods');
  const methods = tokens(methodsValue);
  if (!methods)
    return fail('Access-Control-Allow-Methods', methodsValue, 'Access-Control-Allow-Methods is not a list of methods');
  const headersValue = headerValue(headers, 'Access-Control-Allow-Headers');
  const allowedHeaders = tokens(headersValue);
  if (!allowedHeaders)
    return fail(
      'Access-Control-Allow-Headers',
      headersValue,
      'Access-Control-Allow-Headers is not a list of header names',
    );
  const method = request.method.toUpperCase();
  const wildcard = (list: string[]) => !request.credentials && list.includes('*');
  // Methods compare byte for byte (a method is normalised by fetch only for the six standard ones).
  if (!methods.includes(method) && !SAFELISTED_METHODS.has(method) && !wildcard(methods))
    return fail(
      'Access-Control-Allow-Methods',
      methodsValue,
      methodsValue === undefined
        ? `the preflight's answer allows no method, and ${method} needs one`
        : `${method} is not among the allowed methods`,
    );
  const allowedLower = allowedHeaders.map((h) => h.toLowerCase());
  for (const name of unsafeHeaderNames(request.headers)) {
    // "*" never covers Authorization (Fetch: it must be listed by name).
    const covered = allowedLower.includes(name) || (wildcard(allowedHeaders) && name !== 'authorization');
    if (!covered)
      return fail(
        'Access-Control-Allow-Headers',
        headersValue,
        headersValue === undefined
          ? `the request sets the header ${name}, and the preflight's answer allows no header`
          : `the request sets the header ${name}, which is not among the allowed headers`,
      );
  }
  return { cacheSeconds };
}

/** The whole exchange: the preflight's answer (when one was needed) and the answer to the request. */
export interface CorsExchange {
  preflight?: { status: number; headers: HeaderList };
  response?: { status: number; headers: HeaderList };
}

/** The most each browser engine keeps a preflight's answer, whatever Access-Control-Max-Age says (WebKit, Chromium, Gecko). */
const SAFARI_MAX_AGE = 600;
const CHROMIUM_MAX_AGE = 7200;
const FIREFOX_MAX_AGE = 86400;

/**
 * The verdict on what a browser would do: blocked at the preflight, blocked at the
 * response, or the page can read it; with notes a CDN user needs (Vary: Origin, how
 * long a preflight's answer is kept).
 */
export function judgeCors(request: CorsRequest, exchange: CorsExchange): CorsVerdict {
  const problems: CorsFailure[] = [];
  const notes: string[] = [];
  let preflightCacheSeconds: number | undefined;
  if (needsPreflight(request)) {
    if (!exchange.preflight) throw new Error('a preflight was needed and none was sent');
    const judged = judgePreflight(request, exchange.preflight.status, exchange.preflight.headers);
    preflightCacheSeconds = judged.cacheSeconds;
    if (judged.problem) problems.push(judged.problem);
  }
  if (problems.length === 0 && exchange.response) {
    const problem = corsCheck(exchange.response.headers, request.origin, request.credentials, 'request');
    if (problem) problems.push(problem);
  }
  const answer = exchange.response?.headers ?? exchange.preflight?.headers ?? [];
  const allowOrigin = headerValue(answer, 'Access-Control-Allow-Origin');
  const vary = (headerValue(answer, 'Vary') ?? '').split(',').map((v) => v.trim().toLowerCase());
  if (allowOrigin !== undefined && allowOrigin !== '*' && !vary.includes('origin') && !vary.includes('*'))
    notes.push(
      `The answer names one origin (${allowOrigin}) without "Vary: Origin": a cache (the CDN's, or the browser's) may give this answer to a page on another origin, which is then blocked.`,
    );
  if (preflightCacheSeconds !== undefined && preflightCacheSeconds <= 5)
    notes.push(
      `Browsers keep this preflight's answer ${preflightCacheSeconds} s (Access-Control-Max-Age), so most requests pay a preflight first.`,
    );
  else if (preflightCacheSeconds !== undefined && preflightCacheSeconds > SAFARI_MAX_AGE)
    notes.push(
      `Access-Control-Max-Age asks browsers to keep this preflight's answer ${preflightCacheSeconds} s; each keeps it at most its own limit (Safari ${SAFARI_MAX_AGE} s, Chrome and Edge ${CHROMIUM_MAX_AGE} s, Firefox ${FIREFOX_MAX_AGE} s), so a browser sees a change of the policy within ${Math.min(preflightCacheSeconds, FIREFOX_MAX_AGE)} s at most.`,
    );
  return {
    allowed: problems.length === 0 && exchange.response !== undefined,
    problems,
    notes,
    ...(preflightCacheSeconds !== undefined ? { preflightCacheSeconds } : {}),
  };
}

/**
 * What the bucket's CORS policy says a browser would do for this request, judged as if the
 * edge sent exactly the policy's headers: to compare with what the edge answered.
 */
export function judgePolicy(request: CorsRequest, policy: Readonly<Record<string, string>>): CorsVerdict {
  const headers: HeaderList = Object.entries(policy);
  return judgeCors(request, {
    ...(needsPreflight(request) ? { preflight: { status: 200, headers } } : {}),
    response: { status: 200, headers },
  });
}
