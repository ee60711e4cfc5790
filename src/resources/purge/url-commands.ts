import * as vscode from 'vscode';
import { mapUrl } from '../../core/purge';
import { qencodeUrlsIn } from '../../core/stream/urls';
import { validateObjectPath } from '../../core/validators';
import type { Domain } from '../../core/schemas';
import type { PurgeTarget } from '../../core/purge';
import { confirm, Hint } from '../../actions';
import type { ProjectNode } from '../../explorer/nodes';
import type { Services } from '../../services';
import { BucketNode } from '../buckets/node';
import { pickProject } from '../projects/picker';
import { MAX_VERIFY_URLS } from '../edge/verify-plan';
import { cursorUrls, urlsOf } from './url-actions';
import { knownDomains, ownerOf } from './url-hover';

/* The commands on Qencode URLs in any file (url-actions.ts lists them): dist/url-commands.js, loaded on first use. */

const t = vscode.l10n.t;

const NOT_ON_A_URL = () =>
  t(
    'There is no Qencode URL at the cursor. Right-click on a URL of a media-storage host or of one of your vod domains, or select the lines that hold them.',
  );

async function projectFor(s: Services, urls: readonly string[]): Promise<ProjectNode> {
  const roots = s.explorer.roots();
  const hosts = new Set(urls.map((u) => new URL(u).hostname.toLowerCase()));
  const owners = roots.filter((r) => r.data.peek('domains').some((d) => hosts.has(d.name)));
  return owners.length === 1 ? owners[0]! : pickProject(s, undefined);
}

/** The Qencode URLs given (a hover link, a code action) or at the cursor: their project, each mapped to bucket and path (what maps to nothing is left out and said), confirmed, then purged. */
export async function purgeUrl(s: Services, value?: unknown): Promise<void> {
  const urls = urlsOf(value) ?? cursorUrls(knownDomains(s));
  if (!urls?.length) throw new Hint(NOT_ON_A_URL());
  const project = await projectFor(s, urls);
  const domains = await s
    .ui()
    .loading(t('Loading playback domains…'), () => project.data.items('domains').catch(() => [] as Domain[]));
  const targets: PurgeTarget[] = [];
  const mapped: string[] = [];
  const problems: string[] = [];
  for (const url of urls) {
    const target = mapUrl(url, domains);
    if ('reason' in target) problems.push(`${url}: ${target.reason}`);
    else {
      targets.push(target);
      mapped.push(url);
    }
  }
  if (targets.length === 0) throw new Error(t('nothing can be purged: {0}', problems.slice(0, 5).join('; ')));
  await confirm(
    s.ui(),
    'purgeUrl',
    targets.length === 1
      ? t('Purge {0} in {1}?', targets[0]!.path, targets[0]!.bucket)
      : t('Purge {0} objects?', targets.length),
    [
      ...targets.slice(0, 10).map((x) => `${x.bucket}/${x.path}`),
      ...(targets.length > 10 ? [t('…and {0} more', targets.length - 10)] : []),
      ...(problems.length ? ['', t('Left out ({0}):', problems.length), ...problems.slice(0, 5)] : []),
    ].join('\n'),
    t('Purge'),
  );
  // The URLs themselves are what Verify looks at (the most a verification looks at: MAX_VERIFY_URLS).
  await s.purge.run(project, [targets], undefined, { urls: mapped.slice(0, MAX_VERIFY_URLS) });
}

/** The object path of the URL given or at the cursor, checked, to the clipboard. */
export async function copyPath(s: Services, value?: unknown): Promise<void> {
  const [url] = urlsOf(value) ?? cursorUrls(knownDomains(s)) ?? [];
  if (!url) throw new Hint(NOT_ON_A_URL());
  const target = mapUrl(url, knownDomains(s));
  if ('reason' in target) throw new Error(target.reason);
  const checked = validateObjectPath(target.path);
  if (!checked.ok) throw new Error(checked.message);
  await vscode.env.clipboard.writeText(checked.value);
}

/** The bucket of the URL given or at the cursor, shown in the explorer under its project. */
export async function revealBucket(s: Services, value?: unknown): Promise<void> {
  const [url] = urlsOf(value) ?? cursorUrls(knownDomains(s)) ?? [];
  const found = url ? qencodeUrlsIn(url, knownDomains(s))[0] : undefined;
  if (!found) throw new Hint(NOT_ON_A_URL());
  const owner = ownerOf(s, found);
  if (!owner) throw new Error(t('bucket {0} is not in a project loaded in this window', found.bucket));
  const shown = await s.explorer.reveal(
    s.treeView,
    owner.group('buckets'),
    (r) => r instanceof BucketNode && r.name === found.bucket,
  );
  if (!shown) throw new Error(t('bucket {0} is not listed in project {1}', found.bucket, owner.project.name));
}
