import * as vscode from 'vscode';
import { codeBlock, markdownText } from '../../core/plain-text';
import { type StreamCollection } from '../../core/stream/types';

const t = vscode.l10n.t;

/* How a stream's purge is shown before anything is sent. */

const KIND_LABELS: Record<string, [string, string]> = {
  segment: ['media segment', 'media segments'],
  subtitle: ['subtitle segment', 'subtitle segments'],
  part: ['partial segment', 'partial segments'],
  init: ['init section', 'init sections'],
  index: ['index segment', 'index segments'],
  key: ['key', 'keys'],
  data: ['session data file', 'session data files'],
  playlist: ['playlist', 'playlists'],
  'iframe-playlist': ['I-frame playlist', 'I-frame playlists'],
  manifest: ['root manifest', 'root manifests'],
};

function kindLabel(kind: string, n: number): string {
  const [one, many] = Object.hasOwn(KIND_LABELS, kind) ? KIND_LABELS[kind]! : [kind, kind];
  return n === 1 ? one : many;
}

export function countsLine(c: StreamCollection): string {
  return Object.entries(c.counts)
    .filter(([, n]) => (n as number) > 0)
    .map(([kind, n]) => `${n as number} ${kindLabel(kind, n as number)}`)
    .join(', ');
}

/**
 * What will be purged, before anything is sent: the counts, the renditions, then every
 * path in the order it is sent, so nothing in the middle goes unseen. Text from the
 * manifests (names, paths, URIs) is escaped or fenced: it reads as text even when the
 * document is rendered as Markdown.
 */
export function streamPreview(c: StreamCollection, projectName: string, fromLocalFile: boolean): string {
  const md = markdownText;
  const limit = vscode.workspace.getConfiguration('qencodeCdn').get<number>('purge.streamLimit', 20_000);
  const media = c.objects.slice(0, c.manifestsFrom);
  const manifests = c.objects.slice(c.manifestsFrom);
  const byRendition = new Map<string, string[]>();
  for (const o of media) {
    const key = o.rendition ?? '';
    const list = byRendition.get(key) ?? [];
    list.push(`${o.path}  (${kindLabel(o.kind, 1)})`);
    byRendition.set(key, list);
  }
  const lines = [
    `# ${t('Purge stream')}: ${md(c.root.path)}`,
    '',
    `${t('Bucket')} **${md(c.bucket)}** · ${t('project')} **${md(projectName)}** · ${c.root.format.toUpperCase()} · ${t('{0} manifests read', c.manifestsRead)}${fromLocalFile ? ` · ${t('root read from a local file')}` : ''}`,
    '',
    `## ${t('{0} objects', c.objects.length)}`,
    '',
    `| ${t('kind')} | ${t('objects')} |`,
    '|---|---:|',
    ...Object.entries(c.counts)
      .filter(([, n]) => (n as number) > 0)
      .map(([kind, n]) => `| ${md(kindLabel(kind, 2))} | ${n as number} |`),
    '',
    `## ${t('Renditions')}`,
    '',
    `| ${t('rendition')} | ${t('objects')} | ${t('first')} | ${t('last')} |`,
    '|---|---:|---|---|',
    ...c.renditions.map((r) => `| ${md(r.name)} | ${r.count} | ${md(r.first)} | ${md(r.last)} |`),
    ...(c.renditionsMore ? ['', t('…and {0} more renditions.', c.renditionsMore)] : []),
    '',
    `## ${t('Left out ({0})', c.leftOut.length + c.leftOutMore)}`,
    '',
    ...(c.leftOut.length
      ? [codeBlock(c.leftOut.map((l) => `${l.uri}  ← ${l.reason}`))]
      : [t('Nothing: every reference is in bucket {0}.', md(c.bucket))]),
    ...(c.leftOutMore ? ['', t('…and {0} more, not listed.', c.leftOutMore)] : []),
    '',
    `## ${t('Limit')}`,
    '',
    c.overLimit
      ? t('Over the limit: {0}. A bucket purge is offered instead.', md(c.limitReason ?? ''))
      : t('{0} paths, within the limit of {1} (qencodeCdn.purge.streamLimit).', c.objects.length, limit),
    '',
    `## ${t('Every path')}`,
    '',
    t(
      '1. First, the {0} segments, keys and init sections, listed by rendition (they are sent at once, in no set order):',
      media.length,
    ),
    '',
    ...[...byRendition].flatMap(([rendition, paths]) => [
      `### ${rendition ? md(rendition) : t('shared by the renditions')} (${paths.length})`,
      '',
      codeBlock(paths),
      '',
    ]),
    t('2. Then the {0} manifests, each after the objects and playlists it lists, the root last:', manifests.length),
    '',
    codeBlock(manifests.map((o) => `${o.path}  (${kindLabel(o.kind, 1)})`)),
    '',
  ];
  return lines.join('\n');
}
