import { ageOf, CACHE_STATUS_HEADERS, cacheStatusOf, type Freshness } from '../../core/edge/cache-state';
import { headerValue, type CorsRequest, type CorsVerdict, type HeaderList } from '../../core/edge/cors-check';
import { type CertificateInfo, type ProbeResult } from '../../core/edge/probe';
import { codeBlock, markdownText } from '../../core/plain-text';

/*
 * What the edge checks show: Markdown documents read in VS Code's preview, and the one
 * sentence of a verdict. Everything from the edge or the URL is text, escaped or fenced
 * (markdownText, codeBlock): a header value can never become a link or markup. No
 * `vscode` here.
 */

const md = markdownText;

/** A URL as shown: a signed URL's token (`auth=…`) is not repeated in a document, whatever else is wrong with it. */
export function displayUrl(url: string): string {
  const redacted = url.replace(/([?&]auth=)[^&#]*/gi, '$1[redacted]');
  try {
    return decodeURI(redacted);
  } catch {
    return redacted;
  }
}

/** What the host is to this project, as far as this editor knows (nothing is asked for it). */
export interface HostFacts {
  kind: 'media-storage' | 'vod-domain' | 'other';
  bucket?: string;
  /** The bucket's access policy as set from this editor, or "probably authenticated" when a bucket key signs for it. */
  policy?: 'public' | 'authenticated' | 'keyed';
  /** For a playback domain: the state of its certificate from its TLS subscriptions, as last listed. */
  certificate?: 'issued' | 'pending' | 'failed' | 'none';
}

export interface CheckFacts {
  url: string;
  host: HostFacts;
  at: Date;
  result?: ProbeResult;
  /** The TLS handshake gave a certificate that is not trusted for the host: nothing was sent. */
  certificateProblem?: { reason: string; certificate: CertificateInfo | undefined };
  /** The look failed before an answer (DNS, connection, timeout). */
  error?: string;
  /** The DNS check of a playback domain: its verdict, in words, and the chain it read. */
  dns?: { verdict: string; chain?: string[] };
}

/** What a status means for this URL, in a sentence. */
export function statusMeaning(status: number, headers: HeaderList, host: HostFacts): string {
  const location = headerValue(headers, 'Location');
  if (status === 200) return 'The edge serves this object.';
  if (status === 206) return 'The edge serves this object (a part of it, as asked).';
  if (status === 304) return 'Not modified since the copy the request named.';
  if (status >= 300 && status < 400)
    return `A redirect${location ? ` to ${location}` : ''}: not followed here. Players follow it, if they are allowed to.`;
  if (status === 401 || status === 403)
    return host.policy === 'authenticated' || host.policy === 'keyed'
      ? 'Access denied: this bucket is authenticated, so players need a signed URL (a token in its auth parameter).'
      : 'Access denied. If the bucket is authenticated, players need a signed URL (a token in its auth parameter); buckets are public by default.';
  if (status === 404)
    return host.kind === 'vod-domain'
      ? 'No such object in the bucket this domain serves (check the path, and which bucket the domain points at).'
      : 'No such object in this bucket (check the path and the bucket’s region).';
  if (status === 405 || status === 501) return 'The edge does not answer this method.';
  if (status === 416) return 'The range asked for is outside the object.';
  if (status === 429) return 'The edge is limiting requests: try again shortly.';
  if (status >= 500) return 'The edge, or the storage behind it, failed to answer.';
  return `The edge answered ${status}.`;
}

function ms(value: number | undefined): string {
  return value === undefined ? '—' : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

function day(date: Date): string {
  return Number.isNaN(date.getTime()) ? 'unknown' : date.toISOString().slice(0, 10);
}

function headerTable(headers: HeaderList, names: readonly string[]): string[] {
  const rows = names
    .map((name) => [name, headerValue(headers, name)] as const)
    .filter((r): r is readonly [string, string] => r[1] !== undefined);
  if (rows.length === 0) return ['None sent.'];
  return ['| header | value |', '|---|---|', ...rows.map(([n, v]) => `| ${md(n)} | ${md(v)} |`)];
}

/** The cache, in a sentence: only what a header plainly says; the rest is unknown. */
export function cacheSentence(headers: HeaderList): string {
  const status = cacheStatusOf(headers);
  const age = ageOf(headers);
  const said = status ? `${status.header}: ${status.value}` : undefined;
  if (status?.status === 'hit')
    return `Served from the edge’s cache (${said})${age !== undefined ? `, a copy ${age} s old (Age)` : ''}.`;
  if (status?.status === 'miss') return `Fetched from storage for this request (${said}).`;
  if (age !== undefined) return `A copy ${age} s old (Age); the edge says nothing else of its cache.`;
  return 'Unknown: the edge sent neither an Age header nor a cache status.';
}

function certificateLines(cert: CertificateInfo | undefined, facts: CheckFacts): string[] {
  if (!cert) return ['No certificate was read.'];
  const host = new URL(facts.url).hostname;
  // A certificate may name thousands of hosts: the first 50 are enough to read.
  const names = cert.names.length
    ? `${cert.names
        .slice(0, 50)
        .map((n) => md(n))
        .join(', ')}${cert.names.length > 50 ? ` and ${cert.names.length - 50} more` : ''}`
    : md(cert.subject);
  const lines = [
    `- Names: ${names}`,
    `- Issuer: ${md(cert.issuer)}`,
    `- Valid: ${day(cert.validFrom)} to ${day(cert.validTo)}${cert.validTo.getTime() - facts.at.getTime() < 14 * 86_400_000 ? ' (expires within 14 days)' : ''}`,
  ];
  if (facts.host.kind === 'vod-domain')
    lines.push(
      facts.certificateProblem
        ? `- It does not serve ${md(host)}: ${md(facts.certificateProblem.reason)}.${facts.host.certificate && facts.host.certificate !== 'issued' ? ` The domain's TLS subscription is ${facts.host.certificate === 'none' ? 'missing' : facts.host.certificate}: until it is issued, the edge has no certificate for ${md(host)}.` : ''}`
        : `- It matches ${md(host)}${facts.host.certificate === 'issued' ? ', and the domain’s TLS subscription is issued' : ''}.`,
    );
  return lines;
}

/** The Check URL document. */
export function checkReport(facts: CheckFacts): string {
  const { result } = facts;
  const lines = [`# Check URL`, '', codeBlock([displayUrl(facts.url)]), ''];
  const where =
    facts.host.kind === 'media-storage'
      ? `Media-storage host of bucket **${md(facts.host.bucket ?? '')}**`
      : facts.host.kind === 'vod-domain'
        ? `Playback domain of bucket **${md(facts.host.bucket ?? '?')}**`
        : 'A host that is not one of this project’s';
  lines.push(`${where} · checked ${facts.at.toISOString().slice(0, 19).replace('T', ' ')} UTC`, '');
  if (facts.certificateProblem) {
    lines.push(
      '## Not checked: the certificate is not trusted',
      '',
      `The edge presented a certificate that is not trusted for this host, so no request was sent: ${md(facts.certificateProblem.reason)}.`,
      '',
      '## Certificate',
      '',
      ...certificateLines(facts.certificateProblem.certificate, facts),
    );
  } else if (!result) {
    lines.push(
      '## No answer read',
      '',
      md(facts.error ?? 'The edge did not answer.'),
      '',
      'Edge checks connect directly, not through an HTTP proxy: where only a proxy reaches the internet, they cannot.',
    );
  } else {
    lines.push(
      `## ${result.status} ${md(result.statusText)}`,
      '',
      md(statusMeaning(result.status, result.headers, facts.host)),
      '',
      result.fellBackToGet ? 'The edge refused HEAD, so a GET of one byte was sent instead.\n' : '',
      '## Time',
      '',
      '| DNS | connect | TLS | first byte | total |',
      '|---:|---:|---:|---:|---:|',
      `| ${ms(result.timings.dnsMs)} | ${ms(result.timings.connectMs)} | ${ms(result.timings.tlsMs)} | ${ms(result.timings.firstByteMs)} | ${ms(result.timings.totalMs)} |`,
      '',
      result.timings.reused ? 'Over a connection kept from an earlier check: no DNS, connect or TLS time.\n' : '',
      '## Cache',
      '',
      md(cacheSentence(result.headers)),
      '',
      ...headerTable(result.headers, [
        'Age',
        'Cache-Control',
        'ETag',
        'Last-Modified',
        'Expires',
        ...CACHE_STATUS_HEADERS,
      ]),
      '',
      '## CORS',
      '',
      ...headerTable(result.headers, [
        'Access-Control-Allow-Origin',
        'Access-Control-Allow-Methods',
        'Access-Control-Allow-Headers',
        'Access-Control-Expose-Headers',
        'Access-Control-Max-Age',
        'Access-Control-Allow-Credentials',
        'Vary',
      ]),
      '',
      '## Content',
      '',
      ...headerTable(result.headers, ['Content-Type', 'Content-Length', 'Content-Range', 'Accept-Ranges', 'Location']),
      '',
      '## Certificate',
      '',
      ...certificateLines(result.certificate, facts),
    );
  }
  if (facts.dns)
    lines.push(
      '',
      '## DNS',
      '',
      md(facts.dns.verdict),
      ...(facts.dns.chain?.length ? ['', codeBlock([facts.dns.chain.join(' → ')])] : []),
    );
  if (result)
    lines.push(
      '',
      '## Every header, as sent',
      '',
      codeBlock(result.headers.map(([n, v]) => `${n}: ${v}`)),
      '',
      `Sent: ${result.method} with no cookie, no credentials, and neither the API key nor an access token${result.remoteAddress ? `, to ${md(result.remoteAddress)}` : ''}.`,
    );
  return lines.filter((l, i, all) => !(l === '' && all[i - 1] === '')).join('\n');
}

/** The verdict of Test CORS, in one sentence; `status` is what the object's request was answered. */
export function corsSentence(request: CorsRequest, verdict: CorsVerdict, status?: number): string {
  const how = `${request.method}${request.headers.length ? ` with ${request.headers.map(([n]) => n).join(', ')}` : ''}${request.credentials ? ', with credentials' : ''}`;
  if (verdict.allowed && status !== undefined && status >= 300 && status < 400)
    return `The edge answered a redirect (${status}): a browser follows it and judges the answer it gets there, which this test does not follow (${how}).`;
  if (verdict.allowed && status !== undefined && status >= 400)
    return `A page on ${request.origin} can read the edge's answer, but it is a ${status}, not the object (${how}).`;
  if (verdict.allowed) return `A page on ${request.origin} can read this object (${how}).`;
  const problem = verdict.problems[0];
  if (!problem) return `Unknown: the edge did not answer (${how}).`;
  return `A page on ${request.origin} would be blocked${problem.step === 'preflight' ? ' at the preflight' : ''}: ${problem.reason} (${how}).`;
}

export interface CorsFacts {
  url: string;
  request: CorsRequest;
  verdict: CorsVerdict;
  preflight?: ProbeResult;
  response?: ProbeResult;
  /** The request's method could change the object (PUT, POST, DELETE…): it was not sent; a GET's answer stood in. */
  stoodInFor?: string;
  policy?: Readonly<Record<string, string>>;
  policyVerdict?: CorsVerdict;
}

/** Whether the edge's answer and the bucket's policy disagree on this request. */
export function disagrees(facts: CorsFacts): boolean {
  return facts.policyVerdict !== undefined && facts.policyVerdict.allowed !== facts.verdict.allowed;
}

const CORS_NAMES = [
  'Access-Control-Allow-Origin',
  'Access-Control-Allow-Methods',
  'Access-Control-Allow-Headers',
  'Access-Control-Allow-Credentials',
  'Access-Control-Max-Age',
  'Access-Control-Expose-Headers',
  'Vary',
];

/** The Test CORS document. */
export function corsReport(facts: CorsFacts): string {
  const { request, verdict } = facts;
  const lines = [
    '# Test CORS',
    '',
    codeBlock([displayUrl(facts.url)]),
    '',
    `## ${verdict.allowed ? 'Allowed' : 'Blocked'}`,
    '',
    md(corsSentence(request, verdict, facts.response?.status)),
    '',
  ];
  for (const p of verdict.problems)
    lines.push(
      `- Decided by ${md(p.header)}${p.value === undefined ? ' (not sent)' : `: ${md(p.value)}`}, in the answer to the ${p.step}.`,
    );
  for (const note of verdict.notes) lines.push(`- ${md(note)}`);
  lines.push(
    '',
    '## What was sent, as a browser sends it',
    '',
    `- Origin: ${md(request.origin)}`,
    `- Method: ${md(request.method)}${request.credentials ? ' (credentials: include)' : ''}`,
    ...request.headers.map(([n, v]) => `- ${md(n)}: ${md(v)}`),
    '',
  );
  if (facts.preflight)
    lines.push(
      `### Preflight: OPTIONS → ${facts.preflight.status}`,
      '',
      ...headerTable(facts.preflight.headers, CORS_NAMES),
      '',
    );
  else lines.push('No preflight: the method and headers are ones a browser sends without asking first.', '');
  if (facts.response)
    lines.push(
      `### ${facts.stoodInFor ? `GET (standing in for ${md(facts.stoodInFor)})` : md(facts.response.method)} → ${facts.response.status}`,
      '',
      ...(facts.stoodInFor
        ? [
            `The ${md(facts.stoodInFor)} itself was not sent: it could change the object. The CORS headers of a GET of the same URL stand in for its answer.`,
            '',
          ]
        : []),
      ...headerTable(facts.response.headers, CORS_NAMES),
      '',
    );
  if (facts.policy && facts.policyVerdict) {
    lines.push('## The bucket’s policy', '');
    lines.push(
      disagrees(facts)
        ? `**The edge disagrees with the policy**: by the policy, ${md(corsSentence(request, facts.policyVerdict).replace(/^A page/, 'a page'))} The edge may still hold an answer from before the policy changed: purging this URL makes it fetch a new one.`
        : `The edge’s answer agrees with the policy.`,
      '',
      ...headerTable(
        Object.entries(facts.policy),
        CORS_NAMES.filter((n) => n !== 'Vary'),
      ),
    );
  }
  return lines.join('\n');
}

export interface VerifiedUrl {
  url: string;
  freshness?: Freshness;
  status?: number;
  error?: string;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

/** "5 URLs: 4 fresh from origin, 1 still cached (Age 340 s)." */
export function verifySummary(rows: readonly VerifiedUrl[]): string {
  const fresh = rows.filter((r) => r.freshness?.kind === 'fresh').length;
  const cached = rows.filter((r) => r.freshness?.kind === 'cached');
  const unknown = rows.length - fresh - cached.length;
  const maxAge = Math.max(0, ...cached.map((r) => (r.freshness as { ageSeconds: number }).ageSeconds));
  return [
    `${rows.length} ${rows.length === 1 ? 'URL' : 'URLs'}: ${fresh} fresh from origin`,
    ...(cached.length ? [`${cached.length} still cached (Age up to ${maxAge} s)`] : []),
    ...(unknown ? [`${unknown} can't tell`] : []),
  ].join(', ');
}

/** The Verify Purge document: per URL, fresh, still cached, or can't tell, and why. */
export function verifyReport(rows: readonly VerifiedUrl[], purgedAt: Date, sampleNote: string | undefined): string {
  const verdict = (r: VerifiedUrl) =>
    r.error
      ? "can't tell"
      : r.freshness?.kind === 'fresh'
        ? r.freshness.via === 'miss'
          ? 'fresh from origin'
          : 'fresh (cached again since the purge)'
        : r.freshness?.kind === 'cached'
          ? `still cached (Age ${r.freshness.ageSeconds} s)`
          : "can't tell";
  // One host for every URL (a stream): said once, and the table lists paths.
  const origins = new Set(rows.map((r) => originOf(r.url)));
  const shared = origins.size === 1 ? [...origins][0] : undefined;
  const shown = (url: string) => {
    const whole = displayUrl(url);
    return shared && whole.startsWith(shared) ? whole.slice(shared.length) || '/' : whole;
  };
  return [
    '# Verify purge',
    '',
    `Purged ${purgedAt.toISOString().slice(0, 19).replace('T', ' ')} UTC. ${md(verifySummary(rows))}.`,
    ...(shared ? ['', `On ${md(shared)}:`] : []),
    '',
    'A purge can take a few seconds to reach every edge node: a copy still cached right after one may be gone a moment later.',
    ...(sampleNote ? ['', md(sampleNote)] : []),
    '',
    `| ${shared ? 'path' : 'URL'} | verdict | why |`,
    '|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${md(shown(r.url))} | ${md(verdict(r))} | ${md(r.error ?? [r.status, r.freshness?.why].filter(Boolean).join(' · '))} |`,
    ),
  ].join('\n');
}
