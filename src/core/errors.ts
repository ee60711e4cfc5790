/** What went wrong, in the terms the UI acts on. */
export type ErrorKind =
  | 'http' // the API answered with an error
  | 'auth' // the API key or token was refused even after one fresh token
  | 'rate-limited' // 429 (or Qencode code 8) and waiting longer than we are willing to
  | 'network' // connection refused, reset, DNS, TLS
  | 'timeout' // a connect/headers/body timeout or the overall deadline
  | 'cancelled' // the caller aborted
  | 'invalid-response' // the reply was not JSON, too large, or of the wrong shape
  | 'invalid-input'; // we refused to send: the input breaks the API's rules

export interface QencodeErrorDetails {
  operation: string;
  kind: ErrorKind;
  reason: string;
  status?: number;
  /** Qencode's `error` code, when the body carried one. */
  code?: number;
  /** Qencode's `message` and `error_description` fields. */
  apiMessage?: string;
  apiDescription?: string;
  /** Seconds the server asked us to wait (Retry-After or `retry_after`). */
  retryAfter?: number;
  requestId?: string;
  /** The client's account: an opaque project id the extension gave it, so the UI can tell whose key failed. */
  account?: string;
}

/**
 * The one error type the core throws. Its message is short and human:
 * "Create domain failed: the domain limit is reached (HTTP 409)."
 */
export class QencodeError extends Error implements QencodeErrorDetails {
  readonly operation: string;
  readonly kind: ErrorKind;
  readonly reason: string;
  readonly status?: number;
  readonly code?: number;
  readonly apiMessage?: string;
  readonly apiDescription?: string;
  readonly retryAfter?: number;
  readonly requestId?: string;
  readonly account?: string;

  constructor(details: QencodeErrorDetails) {
    super(formatMessage(details));
    this.name = 'QencodeError';
    this.operation = details.operation;
    this.kind = details.kind;
    this.reason = details.reason;
    this.status = details.status;
    this.code = details.code;
    this.apiMessage = details.apiMessage;
    this.apiDescription = details.apiDescription;
    this.retryAfter = details.retryAfter;
    this.requestId = details.requestId;
    this.account = details.account;
  }

  /** A copy with some details replaced; the message is rebuilt from them. */
  with(changes: Partial<QencodeErrorDetails>): QencodeError {
    return new QencodeError({ ...this.details(), ...changes });
  }

  details(): QencodeErrorDetails {
    const { operation, kind, reason, status, code, apiMessage, apiDescription, retryAfter, requestId, account } = this;
    return { operation, kind, reason, status, code, apiMessage, apiDescription, retryAfter, requestId, account };
  }
}

function formatMessage(d: QencodeErrorDetails): string {
  const op = d.operation.charAt(0).toUpperCase() + d.operation.slice(1);
  if (d.kind === 'cancelled') return `${op} was cancelled.`;
  const suffix = d.status !== undefined ? ` (HTTP ${d.status})` : '';
  const reason = d.reason.replace(/\.$/, '');
  return `${op} failed: ${reason}${suffix}.`;
}

export function isQencodeError(error: unknown, kind?: ErrorKind): error is QencodeError {
  return error instanceof QencodeError && (kind === undefined || error.kind === kind);
}

export function invalidInput(operation: string, reason: string): QencodeError {
  return new QencodeError({ operation, kind: 'invalid-input', reason });
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
