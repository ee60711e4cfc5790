/**
 * The one redaction helper. The API key travels in the token URL's path, and
 * tokens and private keys travel in headers and bodies, so anything that may be
 * logged or shown passes through here first.
 */
const TOKEN_PATH = /(\/v1\/access_token\/)[^/?#\s]*/g;
const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
// Anchored on the character before: unanchored, a long run of `eyJ-` made it quadratic.
const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const PEM = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g;

export const REDACTED = '[redacted]';

export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text
    .replace(TOKEN_PATH, `$1${REDACTED}`)
    .replace(BEARER, `$1${REDACTED}`)
    .replace(JWT, REDACTED)
    .replace(PEM, REDACTED);
  for (const secret of secrets) {
    // Short strings would blank out ordinary words; real keys are long.
    if (secret.length >= 8) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** A request path for logs: the token path loses its key, ids stay. */
export function redactPath(path: string): string {
  return path.replace(TOKEN_PATH, `$1${REDACTED}`);
}
