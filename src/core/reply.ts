/*
 * What a reply means, for every operation: its status, its body's envelope (Qencode's
 * `error` and `status` fields: a failure inside a 200 included) and its schema, to a
 * value or to a QencodeError that says why. Sending is client.ts.
 */
import type { z } from 'zod';
import { QencodeError } from './errors';
import { describeIssues } from './schemas';
import type { HttpMethod, ReplyHeaders } from './transport';

export interface CallSpec<T> {
  operation: string;
  method: HttpMethod;
  path: string;
  body?: unknown;
  schema: z.ZodType<T>;
  /** Safe to send again (reads, updates, deletes, purges). Creates are never retried. */
  idempotent: boolean;
  /**
   * A 2xx reply that says "error" but still carries a valid payload: kept through
   * this, with the failure noted, when the payload exists nowhere else (a private key).
   */
  salvage?: (value: T, failure: string) => T;
}

const REQUEST_ID_HEADERS = ['x-request-id', 'x-qencode-request-id', 'request-id', 'x-correlation-id'];
/** Qencode's error codes: a token refused or expired (4, 5), busy (8), an API key refused or unknown (2, 3). */
const TOKEN_REFUSED_CODES = new Set([4, 5]);
const BUSY_CODE = 8;
const KEY_REFUSED_CODES = new Set([2, 3]);

/** A code that says the API key was refused. */
export function isKeyRefusedCode(code: number | undefined): boolean {
  return KEY_REFUSED_CODES.has(code ?? -1);
}

/**
 * Status, body and schema to a value, or to a QencodeError that says why.
 *
 * The protocol rule, for every operation: a reply is a failure when its status is
 * not 2xx, or when its body says so whatever the status (Qencode's other APIs
 * answer 200 with the failure in the body). See readEnvelope for what "says so" is.
 */
export function readReply<T>(spec: CallSpec<T>, status: number, headers: ReplyHeaders, text: string): T {
  const operation = spec.operation;
  const requestId = REQUEST_ID_HEADERS.map((h) => headers[h]).find((v) => typeof v === 'string') as string | undefined;
  const retryAfterHeader = parseRetryAfter(headers['retry-after']);
  let body: unknown;
  let parsed = true;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = false;
  }
  const envelope = readEnvelope(body);
  const base = {
    operation,
    status,
    ...(requestId ? { requestId } : {}),
    ...(envelope.code !== undefined ? { code: envelope.code } : {}),
    ...(envelope.message ? { apiMessage: envelope.message } : {}),
    ...(envelope.description ? { apiDescription: envelope.description } : {}),
  };
  const retryAfter = retryAfterHeader ?? envelope.retryAfter;
  const withRetry = retryAfter !== undefined ? { retryAfter } : {};
  const ok = status >= 200 && status < 300;

  if (status >= 300 && status < 400) {
    throw new QencodeError({
      ...base,
      kind: 'http',
      reason: 'the server answered with a redirect, which is not followed so that the credentials stay with the API',
    });
  }
  if (status === 429 || envelope.code === BUSY_CODE) {
    throw new QencodeError({
      ...base,
      ...withRetry,
      kind: 'rate-limited',
      reason: envelope.message ?? 'too many requests',
    });
  }
  if (!ok || envelope.failed) {
    const cause = ok ? 'the API reported a failure without saying why' : statusCause(status);
    const reason = envelope.description ?? envelope.message ?? cause;
    if (ok && parsed && spec.salvage) {
      const kept = spec.schema.safeParse(payload(body, envelope) ?? {});
      if (kept.success) return spec.salvage(kept.data, reason);
    }
    throw new QencodeError({ ...base, ...withRetry, kind: 'http', reason });
  }
  if (!parsed) {
    const type = String(headers['content-type'] ?? 'no content type');
    throw new QencodeError({
      ...base,
      kind: 'invalid-response',
      reason: `the reply is not JSON (${type.split(';')[0]})`,
    });
  }
  const result = spec.schema.safeParse(payload(body, envelope) ?? {});
  if (!result.success) {
    throw new QencodeError({
      ...base,
      kind: 'invalid-response',
      reason: `the reply has an unexpected shape: ${describeIssues(result.error)}`,
    });
  }
  return result.data;
}

/** What a reply body says about success, apart from its payload. */
interface Envelope {
  /** The body reports a failure. */
  failed: boolean;
  /** Qencode's numeric `error` code, 0 included. */
  code?: number;
  message?: string;
  description?: string;
  retryAfter?: number;
  /** Top-level keys that are envelope, not payload: dropped before the schema sees the body. */
  envelopeKeys: string[];
}

/** `status` values that report a failure, and those that report success. */
const FAILED_STATUS = /^(error|errored|fail|failed|failure)$/i;
const OK_STATUS = /^(ok|success|succeeded)$/i;
/** `error` strings that mean "no error". */
const NO_ERROR_TEXT = /^(|0|false|null|none)$/i;
const ENVELOPE_KEYS = ['error', 'status', 'message', 'error_description', 'description', 'retry_after'];

/**
 * Reads a reply's envelope. A body reports a failure when:
 * - `error` is a non-zero number (or a string of digits): a Qencode code;
 * - `error` is `true`, a non-empty object, or any other text (the text is the message);
 * - `status` is "error" or "failed" (any case; also "fail", "failure", "errored").
 * `error` 0, "0", false, null or "" and `status` "ok" mean success.
 */
function readEnvelope(body: unknown): Envelope {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { failed: false, envelopeKeys: [] };
  const b = body as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, 500) : undefined);
  let failed = false;
  let code: number | undefined;
  let errorText: string | undefined;
  let nested: Record<string, unknown> = {};
  const e = b.error;
  if (typeof e === 'number') {
    code = e;
    failed = e !== 0;
  } else if (typeof e === 'boolean') {
    failed = e;
  } else if (typeof e === 'string') {
    const t = e.trim();
    if (/^-?\d+$/.test(t)) {
      code = Number(t);
      failed = code !== 0;
    } else if (!NO_ERROR_TEXT.test(t)) {
      failed = true;
      errorText = text(t);
    }
  } else if (Array.isArray(e)) {
    failed = e.length > 0;
    errorText = text(e.filter((x) => typeof x === 'string').join('; '));
  } else if (typeof e === 'object' && e !== null) {
    // {"error": {"code": 4, "message": "..."}}, as some APIs nest it.
    nested = e as Record<string, unknown>;
    failed = Object.keys(nested).length > 0;
    if (typeof nested.code === 'number' && Number.isInteger(nested.code)) code = nested.code;
  }
  const status = typeof b.status === 'string' ? b.status.trim() : undefined;
  if (status !== undefined && FAILED_STATUS.test(status)) failed = true;
  const message = text(b.message) ?? text(nested.message) ?? errorText;
  const description =
    text(b.error_description) ??
    text(nested.error_description) ??
    text(nested.description) ??
    (failed ? text(b.description) : undefined);
  const retryAfter = typeof b.retry_after === 'number' && b.retry_after >= 0 ? b.retry_after : undefined;
  // A success envelope around a payload that is itself a map (the CORS GET reply) is not part of that map.
  const marked = 'error' in b || (status !== undefined && OK_STATUS.test(status));
  return {
    failed,
    ...(code !== undefined ? { code } : {}),
    ...(message ? { message } : {}),
    ...(description ? { description } : {}),
    ...(retryAfter !== undefined ? { retryAfter } : {}),
    envelopeKeys: marked && !failed ? ENVELOPE_KEYS.filter((k) => k in b) : [],
  };
}

/** The body less its success envelope. */
function payload(body: unknown, envelope: Envelope): unknown {
  if (envelope.envelopeKeys.length === 0) return body;
  const keys = new Set(envelope.envelopeKeys);
  return Object.fromEntries(Object.entries(body as Record<string, unknown>).filter(([k]) => !keys.has(k)));
}

function statusCause(status: number): string {
  if (status === 400 || status === 422) return 'the request was refused as invalid';
  if (status === 401) return 'not authorised';
  if (status === 403) return 'permission denied';
  if (status === 404) return 'not found';
  if (status === 409) return 'it conflicts with the current state';
  if (status >= 500) return 'the Qencode service had an error';
  return `unexpected HTTP status ${status}`;
}

export function isTokenRefused(error: QencodeError): boolean {
  return error.kind === 'http' && (error.status === 401 || TOKEN_REFUSED_CODES.has(error.code ?? -1));
}

/** Seconds, from a delta or an HTTP date. */
export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
