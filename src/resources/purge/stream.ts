import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { mapUrl } from '../../core/purge';
import { type Domain } from '../../core/schemas';
import { MANIFEST_BUDGET } from '../../core/stream/budget';
import { collectFromText, collectStream } from '../../core/stream/collector';
import { httpFetcher } from '../../core/stream/http-fetch';
import { withMediaOverride } from '../../core/stream/media-override';
import { isManifestKind, type FetchText, type StreamCollection } from '../../core/stream/types';
import { isManifestPath, mediaStorageUrl, playbackUrl, urlAt } from '../../core/stream/urls';
import { validateObjectPath } from '../../core/validators';
import { answered, check, confirm, Hint } from '../../actions';
import type { ProjectNode } from '../../explorer/nodes';
import type { Services } from '../../services';
import { BucketNode } from '../buckets/node';
import { pickBucket } from '../buckets/picker';
import { bucketUrl, regionOf } from '../buckets/region';
import { pickProject } from '../projects/picker';
import { isLoopback, proxySettings } from '../projects/clients';
import { streamSample } from '../edge/verify-plan';
import { readLocalText } from './local-file';
import { countsLine, streamPreview } from './stream-preview';

const t = vscode.l10n.t;

/** Where a stream starts: its root manifest's URL, and its text when it is a local file. */
interface StreamStart {
  project: ProjectNode;
  rootUrl: string;
  localText?: string;
}

/**
 * Purge Stream: reads the root manifest and every playlist it references, shows what
 * would be purged (a preview, with what was left out and why), and after a
 * confirmation purges the objects first and the manifests last.
 */
/** A stream from its root manifest (a row, a URL, a bucket path or a local file): its manifests read, every path shown before anything is sent, confirmed, then purged in order (objects, playlists, the root last). */
export async function purgeStream(s: Services, node?: unknown): Promise<void> {
  const start = await streamStart(s, node);
  const collection = await collect(s, start);
  await s.details.showMarkdown(
    start.project.projectName,
    `stream ${collection.root.path}`,
    streamPreview(collection, start.project.projectName, start.localText !== undefined),
  );
  const ui = s.ui();
  if (collection.overLimit) {
    const instead = t('Purge Bucket Instead');
    const choice = await ui.ask(
      'streamTooLarge',
      t(
        'The stream {0} has more than {1} objects, the most that are purged one by one.',
        collection.root.path,
        vscode.workspace.getConfiguration('qencodeCdn').get<number>('purge.streamLimit', 20_000),
      ),
      t(
        'Purging the whole bucket {0} is faster for a stream this large, at the cost of a cold cache for everything else in it. The limit is the setting qencodeCdn.purge.streamLimit.',
        collection.bucket,
      ),
      instead,
    );
    if (choice !== instead) return;
    await confirm(
      ui,
      'purgeBucket',
      t('Purge the CDN cache of every object in bucket {0}?', collection.bucket),
      t('Viewers are served from storage until the CDN caches the objects again.'),
      t('Purge Bucket'),
    );
    await s.purge.wholeBucket(start.project, collection.bucket);
    return;
  }
  const media = collection.objects
    .slice(0, collection.manifestsFrom)
    .map(({ bucket, path: p }) => ({ bucket, path: p }));
  const manifests = collection.objects
    .slice(collection.manifestsFrom)
    .map(({ bucket, path: p }) => ({ bucket, path: p }));
  await confirm(
    ui,
    'purgeStream',
    t(
      'Purge the stream {0}: {1} objects in bucket {2}?',
      collection.root.path,
      collection.objects.length,
      collection.bucket,
    ),
    `${countsLine(collection)}\n\n${t('Segments, keys and init sections first; then the {0} manifests, the root last, so a player never gets a fresh manifest that points at stale segments.', manifests.length)}${collection.leftOut.length ? `\n\n${t('{0} references are left out (see the preview).', collection.leftOut.length + collection.leftOutMore)}` : ''}`,
    t('Purge Stream'),
  );
  // Three steps, each started when the one before has all succeeded: the objects, the playlists, the root.
  const root = manifests.filter((m) => m.path === collection.root.path);
  const playlists = manifests.filter((m) => m.path !== collection.root.path);
  const host = new URL(start.rootUrl).hostname;
  const sample = vscode.workspace.getConfiguration('qencodeCdn').get<number>('purge.verifySample', 10);
  await s.purge.run(
    start.project,
    [media, playlists, root].filter((p) => p.length > 0),
    t('the stream {0}', collection.root.path),
    streamSample(
      collection.objects.map((o) => ({ url: playbackUrl(host, o.path), manifest: isManifestKind(o.kind) })),
      sample,
    ),
  );
}

/** A bucket object's playback URL (on a vod domain that serves the bucket, else the media-storage URL), to the clipboard. */
export async function copyPlaybackUrl(s: Services, node?: unknown): Promise<void> {
  if (node instanceof BucketNode || (node as { domain?: Domain } | undefined)?.domain?.type === 'vod') {
    const project = (node as BucketNode).projectNode;
    const domain = (node as { domain?: Domain }).domain;
    const objectPath = answered(
      await s.ui().input({
        id: 'playbackPath',
        title: t('The path of an object, e.g. streams/launch/master.m3u8'),
        validateInput: check(validateObjectPath),
      }),
    )
      .trim()
      .replace(/^\/+/, '');
    const url = domain
      ? playbackUrl(domain.name, objectPath)
      : mediaStorageUrl(
          (node as BucketNode).name,
          await regionOf(s, project.projectId, (node as BucketNode).name),
          objectPath,
        );
    await vscode.env.clipboard.writeText(url);
    void s.ui().notify('copied', 'info', t('Copied {0}', url));
    return;
  }
  throw new Error(t('Copy Playback URL works on a bucket or a vod domain in the explorer'));
}

async function streamStart(s: Services, node: unknown): Promise<StreamStart> {
  const ui = s.ui();
  if (node instanceof vscode.Uri) {
    // A manifest file (the Explorer's or an editor's menu); else an editor's menu on a URL in any file.
    if (isManifestPath(node.path)) return localStart(s, node);
    const atCursor = urlAtCursor();
    if (atCursor) return urlStart(s, atCursor);
    throw new Hint(
      t(
        'There is no manifest URL at the cursor. Right-click on the URL of an .m3u8 or .mpd file, or use Purge Stream on a manifest file.',
      ),
    );
  }
  if (node instanceof BucketNode) return bucketStart(s, node.projectNode, node.name);
  const given =
    typeof (node as { url?: unknown } | undefined)?.url === 'string' ? (node as { url: string }).url : urlAtCursor();
  if (given) return urlStart(s, given);
  const source = answered(
    await ui.pick(
      [
        {
          iconPath: new vscode.ThemeIcon('link'),
          label: t('A manifest URL…'),
          detail: t('An HLS master playlist or a DASH MPD on a media-storage host or a vod domain.'),
          source: 'url' as const,
        },
        { iconPath: new vscode.ThemeIcon('database'), label: t('A bucket and a path…'), source: 'bucket' as const },
        {
          iconPath: new vscode.ThemeIcon('file'),
          label: t('A manifest file in the workspace…'),
          detail: t('With the bucket and the folder it is published under.'),
          source: 'file' as const,
        },
      ],
      { id: 'streamSource', title: t('Purge a stream: where does it start?') },
    ),
  ).source;
  if (source === 'url') {
    const url = answered(
      await ui.input({
        id: 'streamUrl',
        title: t("The URL of the stream's master playlist or MPD"),
        placeHolder: 'https://media-assets.media-storage.us-west.qencode.com/streams/launch/master.m3u8',
        validateInput: (v) =>
          /^https:\/\/\S+\.(m3u8|mpd)(\?\S*)?$/i.test(v.trim())
            ? undefined
            : t('Enter an https URL ending in .m3u8 or .mpd.'),
      }),
    );
    return urlStart(s, url.trim());
  }
  if (source === 'bucket') {
    const { project, bucket } = await pickBucket(s, undefined);
    return bucketStart(s, project, bucket);
  }
  const file = answered(
    await ui.openDialog('streamFile', { title: t('A manifest file'), filters: { [t('Manifests')]: ['m3u8', 'mpd'] } }),
  );
  return localStart(s, file);
}

/** The manifest URL under the cursor of the active editor, if there is one (the project's domains map it later). */
function urlAtCursor(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const pos = editor.selection.active;
  const url = urlAt(editor.document.lineAt(pos.line).text, pos.character);
  try {
    return url && isManifestPath(new URL(url).pathname) ? url : undefined;
  } catch {
    return undefined;
  }
}

async function urlStart(s: Services, url: string): Promise<StreamStart> {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    throw new Error(t('"{0}" is not a URL', url));
  }
  // The project whose vod domain serves it, when one is known; else the user says.
  const owners = s.explorer.roots().filter((r) => r.data.peek('domains').some((d) => d.name === host));
  const project = owners.length === 1 ? owners[0]! : await pickProject(s, undefined);
  return { project, rootUrl: url };
}

async function bucketStart(s: Services, project: ProjectNode, bucket: string): Promise<StreamStart> {
  const manifest = answered(
    await s.ui().input({
      id: 'streamPath',
      title: t('The path of the master playlist or MPD in {0}', bucket),
      placeHolder: 'streams/launch/master.m3u8',
      validateInput: (v) =>
        check(validateObjectPath)(v) ??
        (isManifestPath(v.trim()) ? undefined : t('A stream starts at a .m3u8 or .mpd file.')),
    }),
  )
    .trim()
    .replace(/^\/+/, '');
  return { project, rootUrl: await bucketUrl(s, project, bucket, manifest) };
}

async function localStart(s: Services, file: vscode.Uri): Promise<StreamStart> {
  if (!isManifestPath(file.path)) throw new Error(t('{0} is not a manifest (.m3u8 or .mpd)', path.basename(file.path)));
  const text = await readLocalText(file, MANIFEST_BUDGET.maxBytes);
  const project = await pickProject(s, undefined);
  const { bucket } = await pickBucket(s, project);
  const folder = vscode.workspace.getWorkspaceFolder(file);
  const suggested = folder
    ? path.posix.dirname(path.relative(folder.uri.fsPath, file.fsPath).split(path.sep).join('/'))
    : '';
  const prefix = answered(
    await s.ui().input({
      id: 'streamPrefix',
      title: t('Which folder of bucket {1} is {0} published in?', path.basename(file.path), bucket),
      value: suggested === '.' ? '' : `${suggested}/`,
      placeHolder: 'streams/launch/',
      validateInput: (v) => (v.trim() === '' ? undefined : check(validateObjectPath)(v)),
    }),
  )
    .trim()
    .replace(/^\/+/, '')
    .replace(/\/*$/, '/');
  const rootPath = `${prefix === '/' ? '' : prefix}${path.basename(file.path)}`;
  return { project, rootUrl: await bucketUrl(s, project, bucket, rootPath), localText: text };
}

/** Reads the manifests (cancellable: nothing has been sent yet). */
async function collect(s: Services, start: StreamStart): Promise<StreamCollection> {
  const ui = s.ui();
  const domains = await ui.loading(t('Loading playback domains…'), () =>
    start.project.data.items('domains').catch(() => [] as Domain[]),
  );
  const maxPaths = vscode.workspace.getConfiguration('qencodeCdn').get<number>('purge.streamLimit', 20_000);
  const fetcher = httpFetcher({ proxy: proxySettings() });
  const fetchText = mediaOverride(s, fetcher.fetchText, domains);
  try {
    return await ui.progress(t('Reading the manifests of {0}…', start.rootUrl), (_report, signal) => {
      const options = { fetchText, toTarget: (url: URL) => mapUrl(url, domains), signal, maxPaths };
      return start.localText !== undefined
        ? collectFromText(start.localText, start.rootUrl, options)
        : collectStream(start.rootUrl, options);
    });
  } catch (error) {
    // Nothing was sent: say so, with the manifest and why.
    throw new Error(t('the stream was not purged, and nothing was sent: {0}', errorMessage(error)));
  } finally {
    await fetcher.close();
  }
}

/**
 * `qencodeCdn.mediaStorageOverride`: the emulator's media server stands in for
 * media-storage hosts (and the project's vod domains). Honoured only while the API URL
 * is a local one, as the demo key is: it can never redirect a real account's reads.
 */
function mediaOverride(s: Services, fetchText: FetchText, domains: readonly Domain[]): FetchText {
  const base = vscode.workspace.getConfiguration('qencodeCdn').get<string>('mediaStorageOverride', '').trim();
  if (!base || !isLoopback(s.clients.apiUrl()) || !isLoopback(base)) return fetchText;
  return withMediaOverride(
    fetchText,
    base,
    domains.filter((d) => d.type === 'vod').map((d) => d.name),
  );
}
