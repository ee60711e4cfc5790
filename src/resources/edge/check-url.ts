import * as vscode from 'vscode';
import { answered, check, Hint } from '../../actions';
import { CertificateProblem } from '../../core/edge/probe';
import { errorMessage } from '../../core/errors';
import { isMediaStorageUrl, mapUrl } from '../../core/purge';
import { type Domain } from '../../core/schemas';
import { qencodeUrlsIn } from '../../core/stream/urls';
import { validateObjectPath } from '../../core/validators';
import type { ProjectNode } from '../../explorer/nodes';
import type { Services } from '../../services';
import { pickBucket } from '../buckets/picker';
import { bucketUrl } from '../buckets/region';
import { certificateOf, parseCname } from '../tls/certificate';
import { describeVerdict } from '../tls/dns';
import { cursorUrls, urlsOf } from '../purge/url-actions';
import { knownDomains, ownerOf } from '../purge/url-hover';
import { checkReport, displayUrl, statusMeaning, type CheckFacts, type HostFacts } from './report';

const t = vscode.l10n.t;

/**
 * Check URL: the URL given (a hover link, a code action), else the one at the cursor,
 * else one typed; one look at the edge (no body, no credentials), then a document of what
 * it served: status and meaning, time per phase, cache, CORS, content, certificate, DNS.
 */
export async function checkUrl(s: Services, value?: unknown): Promise<void> {
  const [url] = urlsOf(value) ?? cursorUrls(knownDomains(s)) ?? [await askUrl(s)];
  await checkAndShow(s, url!);
}

/** Check Object…: a path in the bucket (asked), checked at the URL players use: a vod domain of the bucket, else its media-storage host. */
export async function checkObject(s: Services, node?: unknown): Promise<void> {
  const { project, bucket } = await pickBucket(s, node);
  const path = answered(
    await s.ui().input({
      id: 'checkPath',
      title: t('Check an object of {0} at the edge', bucket),
      prompt: t('The object path, e.g. streams/launch/master.m3u8'),
      value: remembered(s.bucketMemory.get(project.projectId).edgeObjects, bucket)[0] ?? '',
      validateInput: check(validateObjectPath),
    }),
  )
    .trim()
    .replace(/^\/+/, '');
  await checkAndShow(s, await bucketUrl(s, project, bucket, path), project);
}

async function askUrl(s: Services): Promise<string> {
  return answered(
    await s.ui().input({
      id: 'checkUrl',
      title: t('Check a URL at the edge'),
      prompt: t('An https URL of a media-storage host or a playback domain'),
      placeHolder: 'https://vod.example.com/streams/launch/master.m3u8',
      validateInput: (v) => {
        try {
          return new URL(v.trim()).protocol === 'https:' ? undefined : t('Only https URLs are checked.');
        } catch {
          return t('Enter a URL, e.g. https://vod.example.com/video.mp4');
        }
      },
    }),
  ).trim();
}

/** What this editor knows of the URL's host, from the lists as last read: no request. */
function hostFacts(s: Services, url: string, owner: ProjectNode | undefined): HostFacts {
  const host = new URL(url).hostname.toLowerCase();
  const domain: Domain | undefined = knownDomains(s).find((d) => d.name === host);
  const target = mapUrl(url, domain ? [domain] : []);
  const bucket = 'reason' in target ? undefined : target.bucket;
  const memory = owner ? s.bucketMemory.get(owner.projectId) : undefined;
  const set = bucket && memory && Object.hasOwn(memory.policies, bucket) ? memory.policies[bucket]!.policy : undefined;
  const keyed = owner?.data.peek('keys').some((k) => k.target.kind === 'bucket' && k.target.bucketName === bucket);
  const policy = set ?? (keyed ? 'keyed' : undefined);
  const certificate = domain && owner?.data.has('tls') ? certificateOf(domain.id, owner.data.peek('tls')) : undefined;
  return {
    kind: isMediaStorageUrl(url) ? 'media-storage' : domain ? 'vod-domain' : 'other',
    ...(bucket ? { bucket } : {}),
    ...(policy ? { policy } : {}),
    ...(certificate
      ? { certificate: certificate === 'expired' || certificate === 'other' ? 'failed' : certificate }
      : {}),
  };
}

/** The DNS of a playback domain, against the CNAME target its TLS subscription named (when this editor saw it). */
async function dnsOf(s: Services, url: string, owner: ProjectNode | undefined): Promise<CheckFacts['dns'] | undefined> {
  const host = new URL(url).hostname.toLowerCase();
  const domain = knownDomains(s).find((d) => d.name === host);
  if (!domain || !owner) return undefined;
  const sub = owner.data
    .peek('tls')
    .filter((x) => x.domainId === domain.id)
    .sort((a, b) => b.created.getTime() - a.created.getTime())[0];
  const expected = sub
    ? parseCname(sub.message ?? s.tlsInstructions.instruction(owner.projectId, sub.id))?.target
    : undefined;
  // Asked now: a check says what DNS answers at this moment, not what was kept.
  const result = await s.dns.check(host, expected, true).catch(() => undefined);
  if (!result) return undefined;
  const v = result.verdict;
  return { verdict: describeVerdict(v), ...('chain' in v ? { chain: [host, ...v.chain] } : {}) };
}

/** Looks, then shows the document; the notification says the status and its meaning in a line. */
export async function checkAndShow(s: Services, url: string, project?: ProjectNode): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Hint(t('"{0}" is not a URL', url));
  }
  if (parsed.protocol !== 'https:') throw new Error(t('only https URLs are checked; this one is {0}', parsed.protocol));
  // Which hosts are the projects' own: their playback domains, read once (then kept) when not read yet.
  if (!isMediaStorageUrl(url))
    await Promise.all(s.explorer.roots().map((r) => r.data.items('domains').catch(() => undefined)));
  await s.edge.allowHost(url);
  const found = qencodeUrlsIn(url, knownDomains(s), 1)[0];
  const roots = s.explorer.roots();
  // The project whose lists name the URL's bucket; with one project, that one.
  const owner = project ?? (found ? ownerOf(s, found) : undefined) ?? (roots.length === 1 ? roots[0] : undefined);
  // A playback domain's certificate is told with its TLS subscription: that list is read (once, then kept).
  if (owner && !isMediaStorageUrl(url)) await owner.data.items('tls').catch(() => undefined);
  const host = hostFacts(s, url, owner);
  const facts: CheckFacts = { url, host, at: new Date() };
  await s.ui().progress(t('Checking {0} at the edge…', parsed.host), async (_report, signal) => {
    const [result, dns] = await Promise.allSettled([s.edge.probe(url, { signal }), dnsOf(s, url, owner)]);
    if (dns.status === 'fulfilled' && dns.value) facts.dns = dns.value;
    if (result.status === 'fulfilled') facts.result = result.value;
    else if (result.reason instanceof CertificateProblem)
      facts.certificateProblem = { reason: result.reason.reason, certificate: result.reason.certificate };
    else if (signal.aborted) throw result.reason;
    else facts.error = errorMessage(result.reason);
  });
  if (owner && host.bucket) await rememberObject(s, owner, host.bucket, decodedPath(parsed));
  await s.details.showMarkdown(owner?.projectName ?? parsed.host, `check ${parsed.host}`, checkReport(facts));
  const line = facts.result
    ? `${facts.result.status}: ${statusMeaning(facts.result.status, facts.result.headers, host)}`
    : facts.certificateProblem
      ? t('Not checked: the certificate of {0} is not trusted ({1}).', parsed.host, facts.certificateProblem.reason)
      : t('The answer of {0} could not be read: {1}', parsed.host, facts.error ?? '');
  void s
    .ui()
    .notify(
      'checkedUrl',
      facts.result && facts.result.status < 400 ? 'info' : 'warning',
      `${line} (${displayUrl(url)})`,
    );
}

/** The object path of a URL, decoded (as it is typed); undefined escapes leave it as it is. */
function decodedPath(url: URL): string {
  try {
    return decodeURIComponent(url.pathname.slice(1));
  } catch {
    return url.pathname.slice(1);
  }
}

/** A bucket's remembered list: own keys only (a bucket named "__proto__" reads nothing from the prototype). */
export function remembered(lists: Record<string, string[]> | undefined, bucket: string): string[] {
  const list = lists && Object.hasOwn(lists, bucket) ? lists[bucket] : undefined;
  return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
}

/** The last paths checked in a bucket (at most 5), offered first next time. */
async function rememberObject(s: Services, project: ProjectNode, bucket: string, path: string): Promise<void> {
  if (!path || path.length > 1024) return;
  await s.bucketMemory.update(project.projectId, (m) => {
    const before = remembered(m.edgeObjects, bucket);
    return {
      ...m,
      edgeObjects: { ...m.edgeObjects, [bucket]: [path, ...before.filter((p) => p !== path)].slice(0, 5) },
    };
  });
}
