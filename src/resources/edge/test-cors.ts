import * as vscode from 'vscode';
import { answered, check } from '../../actions';
import { getCors } from '../../core/bucket-operations';
import {
  judgeCors,
  judgePolicy,
  needsPreflight,
  unsafeHeaderNames,
  type CorsRequest,
} from '../../core/edge/cors-check';
import { type ProbeResult } from '../../core/edge/probe';
import { errorMessage } from '../../core/errors';
import { mapUrl } from '../../core/purge';
import { type CorsPolicy, type Domain } from '../../core/schemas';
import { validateObjectPath } from '../../core/validators';
import type { ProjectNode } from '../../explorer/nodes';
import type { Services } from '../../services';
import { parseUri } from '../buckets/cors-fs';
import { pickBucket } from '../buckets/picker';
import { bucketUrl } from '../buckets/region';
import { projectById } from '../projects/picker';
import { remembered } from './check-url';
import { corsReport, corsSentence, disagrees, type CorsFacts } from './report';

const t = vscode.l10n.t;

/** Methods a browser may send that could change the object: only their preflight is sent. */
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Test CORS: a bucket (clicked, its CORS document's, or picked), an origin, a method and
 * an object; then what a browser sends (the preflight where one is needed, then the
 * request with its Origin), judged by the Fetch standard's CORS check. The verdict in a
 * sentence, the headers that decided it, and the bucket's policy beside it: where they
 * disagree, Purge This URL (the edge may hold an answer from before the policy changed).
 */
export async function testCors(s: Services, node?: unknown): Promise<void> {
  const { project, bucket } = await bucketOf(s, node);
  let policyProblem: string | undefined;
  const policy = await s.ui().loading(t('Reading the CORS policy of {0}…', bucket), () =>
    getCors(s.clients.client(project.projectId), bucket).catch((error: unknown) => {
      policyProblem = errorMessage(error);
      return undefined;
    }),
  );
  const origin = await askOrigin(s, project, bucket, policy);
  const request = await askRequest(s, origin);
  const url = await askObject(s, project, bucket);
  await s.edge.allowHost(url);
  const facts = await s
    .ui()
    .progress(t('Testing CORS of {0} from {1}…', bucket, origin), (_r, signal) => exchange(s, url, request, signal));
  if (policy) {
    facts.policy = policy;
    facts.policyVerdict = judgePolicy(request, policy);
    const own = policy['Access-Control-Allow-Origin'];
    const sent = own && own !== '*' ? originOf(own) : undefined;
    if (own && sent && sent !== own)
      facts.verdict.notes.push(
        `The policy names ${own}, but a browser sends ${sent}: the edge must name the origin exactly as browsers send it.`,
      );
  }
  if (policyProblem)
    facts.verdict.notes.push(`The bucket's policy could not be read, so it is not compared: ${policyProblem}`);
  await rememberOrigin(s, project, bucket, origin);
  await s.details.showMarkdown(
    project.projectName,
    `cors ${bucket} ${new URL(origin).host || origin}`,
    corsReport(facts),
  );
  const purge = t('Purge This URL');
  const choice = await s
    .ui()
    .notify(
      'corsTested',
      facts.verdict.allowed ? 'info' : 'warning',
      `${corsSentence(request, facts.verdict, facts.response?.status)}${disagrees(facts) ? ` ${t('The edge disagrees with the bucket’s policy.')}` : ''}`,
      ...(disagrees(facts) ? [purge] : []),
    );
  if (choice === purge) await purgeOne(s, project, url);
}

/** The preflight (when the request needs one) and the request, each one look with no body read. */
async function exchange(s: Services, url: string, request: CorsRequest, signal: AbortSignal): Promise<CorsFacts> {
  const unsafe = unsafeHeaderNames(request.headers);
  let preflight: ProbeResult | undefined;
  if (needsPreflight(request)) {
    preflight = await s.edge.probe(url, {
      method: 'OPTIONS',
      signal,
      headers: {
        origin: request.origin,
        'access-control-request-method': request.method,
        ...(unsafe.length ? { 'access-control-request-headers': unsafe.join(',') } : {}),
      },
    });
    const before = judgeCors(request, { preflight: { status: preflight.status, headers: preflight.headers } });
    // Blocked at the preflight: a browser sends nothing more, and neither does this.
    if (before.problems.length) return { url, request, verdict: before, preflight };
  }
  const write = WRITES.has(request.method);
  const response = await s.edge.probe(url, {
    method: write ? 'GET' : (request.method as 'GET' | 'HEAD'),
    signal,
    headers: { origin: request.origin, ...(write ? {} : Object.fromEntries(request.headers)) },
  });
  const verdict = judgeCors(request, {
    ...(preflight ? { preflight: { status: preflight.status, headers: preflight.headers } } : {}),
    response: { status: response.status, headers: response.headers },
  });
  return {
    url,
    request,
    verdict,
    ...(preflight ? { preflight } : {}),
    response,
    ...(write ? { stoodInFor: request.method } : {}),
  };
}

async function bucketOf(s: Services, node: unknown): Promise<{ project: ProjectNode; bucket: string }> {
  if (node instanceof vscode.Uri) {
    const { projectId, bucket } = parseUri(node);
    const project = projectById(s, projectId);
    if (!project) throw new Error(t('the project of this CORS document is no longer in the editor'));
    return { project, bucket };
  }
  return pickBucket(s, node);
}

/** An origin: the policy's own first, then those tested before, or one typed. */
async function askOrigin(
  s: Services,
  project: ProjectNode,
  bucket: string,
  policy: CorsPolicy | undefined,
): Promise<string> {
  const own = policy?.['Access-Control-Allow-Origin'];
  const origins = [
    ...(own && own !== '*' ? [own] : []),
    ...remembered(s.bucketMemory.get(project.projectId).corsOrigins, bucket),
  ].filter((o, i, all) => all.indexOf(o) === i);
  const typed = { label: t('Enter an origin…'), origin: undefined };
  const picked = origins.length
    ? answered(
        await s.ui().pick(
          [
            ...origins.map((o) => ({
              label: o,
              ...(o === own ? { description: t('the policy’s origin') } : {}),
              origin: o as string | undefined,
            })),
            typed,
          ],
          { id: 'corsOrigin', title: t('Test CORS of {0}: the page’s origin', bucket) },
        ),
      ).origin
    : undefined;
  if (picked) return originOf(picked) ?? picked;
  const typedOrigin = answered(
    await s.ui().input({
      id: 'corsOriginInput',
      title: t('Test CORS of {0}: the page’s origin', bucket),
      prompt: t('The origin of the page that plays the video: scheme and host, e.g. https://app.example.com'),
      validateInput: (v) =>
        originOf(v.trim()) ? undefined : t('An origin is a scheme and a host, with no path: https://app.example.com'),
    }),
  ).trim();
  // As a browser sends it: lowercase host, no default port.
  return originOf(typedOrigin) ?? typedOrigin;
}

/** "https://app.example.com" (or "null"), serialized as a browser sends it; undefined when it is not an origin. */
export function originOf(text: string): string | undefined {
  if (text === 'null') return text;
  try {
    const url = new URL(text);
    if (!/^https?:$/.test(url.protocol) || url.pathname !== '/' || url.search || url.hash || text.endsWith('/'))
      return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

async function askRequest(s: Services, origin: string): Promise<CorsRequest> {
  const choice = answered(
    await s.ui().pick(
      [
        {
          label: 'GET',
          detail: t('A player reading a manifest or a segment.'),
          method: 'GET',
          headers: [] as [string, string][],
          credentials: false,
        },
        {
          label: t('GET with Range'),
          detail: t('A player reading part of a segment (Range: bytes=0-1023).'),
          method: 'GET',
          headers: [['Range', 'bytes=0-1023']] as [string, string][],
          credentials: false,
        },
        {
          label: 'HEAD',
          detail: t('A script asking for the size or type.'),
          method: 'HEAD',
          headers: [],
          credentials: false,
        },
        {
          label: t('GET with credentials'),
          detail: t("fetch(url, { credentials: 'include' }) or withCredentials: the page's cookies go with it."),
          method: 'GET',
          headers: [],
          credentials: true,
        },
        ...['POST', 'PUT', 'DELETE'].map((m) => ({
          label: m === 'POST' ? t('POST (JSON)') : m,
          detail: t(
            'With Content-Type: application/json, so a browser asks first: only the preflight is sent (the {0} itself could change the object).',
            m,
          ),
          method: m,
          headers: [['Content-Type', 'application/json']] as [string, string][],
          credentials: false,
        })),
      ],
      { id: 'corsMethod', title: t('Test CORS from {0}: the request', origin) },
    ),
  );
  return { origin, method: choice.method, headers: choice.headers, credentials: choice.credentials };
}

/** An object of the bucket: a path (the last one offered) or a URL of it. */
async function askObject(s: Services, project: ProjectNode, bucket: string): Promise<string> {
  const domains = await s
    .ui()
    .loading(t('Loading playback domains…'), () => project.data.items('domains').catch(() => [] as Domain[]));
  const last = remembered(s.bucketMemory.get(project.projectId).edgeObjects, bucket)[0];
  const text = answered(
    await s.ui().input({
      id: 'corsObject',
      title: t('Test CORS of {0}: an object', bucket),
      prompt: t('An object path in {0}, or its URL', bucket),
      value: last ?? '',
      validateInput: (v) => {
        const value = v.trim();
        if (!/^https:\/\//i.test(value)) return check(validateObjectPath)(value.replace(/^\/+/, ''));
        const target = mapUrl(value, domains);
        if ('reason' in target) return target.reason;
        return target.bucket === bucket
          ? undefined
          : t('That URL is an object of {0}, not of {1}.', target.bucket, bucket);
      },
    }),
  ).trim();
  return /^https:\/\//i.test(text) ? text : bucketUrl(s, project, bucket, text.replace(/^\/+/, ''));
}

async function rememberOrigin(s: Services, project: ProjectNode, bucket: string, origin: string): Promise<void> {
  await s.bucketMemory.update(project.projectId, (m) => ({
    ...m,
    corsOrigins: {
      ...m.corsOrigins,
      [bucket]: [origin, ...remembered(m.corsOrigins, bucket).filter((o) => o !== origin)].slice(0, 5),
    },
  }));
}

async function purgeOne(s: Services, project: ProjectNode, url: string): Promise<void> {
  const domains = await project.data.items('domains').catch(() => [] as Domain[]);
  const target = mapUrl(url, domains);
  if ('reason' in target) throw new Error(target.reason);
  try {
    await s.purge.run(project, [[target]]);
  } catch (error) {
    throw new Error(t('the purge was not sent: {0}', errorMessage(error)));
  }
}
