import * as vscode from 'vscode';
import type { Command } from '../../commands';
import { onFirstUse } from '../../core/first-use';
import { clip, parsePurgeList, validateObjectPath, type PurgeTarget } from '../../core';
import { answered, check, confirm } from '../../actions';
import type { ProjectNode } from '../../explorer/nodes';
import type { Services } from '../../services';
import { BucketNode } from '../buckets/node';
import { knownBucketsOf, pickBucket } from '../buckets/picker';
import { pickProject } from '../projects/picker';
import { describeTargets, outcome } from './history';
import { readLocalText } from './local-file';
import { entriesOf, openPurgeList, PURGE_LIST_LANGUAGE } from './purge-list';

/** "120 objects in media-assets", or per bucket: "media-assets: 100, vod-archive: 20". */
function bucketsLine(targets: readonly PurgeTarget[]): string {
  const counts = new Map<string, number>();
  for (const x of targets) counts.set(x.bucket, (counts.get(x.bucket) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  if (sorted.length === 1)
    return sorted[0]![1] === 1
      ? t('1 object in bucket {0}', sorted[0]![0])
      : t('{0} objects in bucket {1}', sorted[0]![1], sorted[0]![0]);
  const shown = sorted.slice(0, 10).map(([bucket, n]) => `${bucket}: ${n}`);
  return t(
    '{0} objects in {1} buckets: {2}',
    targets.length,
    sorted.length,
    shown.join(', ') + (sorted.length > 10 ? t(', and {0} more', sorted.length - 10) : ''),
  );
}

/** A file of paths to purge: far more than any list a person purges at once. */
const MAX_PURGE_FILE_BYTES = 8 * 1024 * 1024;

const t = vscode.l10n.t;

/** Purging: one path, many paths (typed, selected, from a file) or URLs, and the per-project history. */
/** Paths to purge: typed, selected in the editor, from a text file, or a purge list opened; then mapped, confirmed (a list, with its count and buckets) and purged. */
export async function purgeObject(s: Services, node?: unknown): Promise<void> {
  const ui = s.ui();
  const project = await pickProject(s, node);
  const bucket = node instanceof BucketNode ? node.name : undefined;
  const editor = vscode.window.activeTextEditor;
  const selected =
    editor && !editor.selection.isEmpty ? entriesOf(editor.document.getText(editor.selection), s.log).lines : [];
  const source = answered(
    await ui.pick(
      [
        { iconPath: new vscode.ThemeIcon('edit'), label: t('Enter a path or URL…'), source: 'input' as const },
        ...(selected.length
          ? [
              {
                iconPath: new vscode.ThemeIcon('selection'),
                label: t('The {0} paths selected in the editor', selected.length),
                source: 'selection' as const,
              },
            ]
          : []),
        {
          iconPath: new vscode.ThemeIcon('file'),
          label: t('Paths from a text file…'),
          detail: t('One path or URL per line.'),
          source: 'file' as const,
        },
        {
          iconPath: new vscode.ThemeIcon('new-file'),
          label: t('Open a purge list…'),
          detail: t('An editor to paste many paths or URLs into, then purge them all at once.'),
          source: 'list' as const,
        },
      ],
      { id: 'purgeSource', title: t('Purge objects in {0}', bucket ?? project.projectName) },
    ),
  ).source;
  let lines: string[];
  if (source === 'list') return openPurgeList();
  if (source === 'selection') {
    lines = selected;
  } else if (source === 'file') {
    const file = answered(
      await ui.openDialog('purgeFile', {
        title: t('A text file of paths or URLs'),
        filters: { [t('Text')]: ['txt', 'csv', 'list', 'purgelist'], [t('All files')]: ['*'] },
      }),
    );
    lines = entriesOf(await readLocalText(file, MAX_PURGE_FILE_BYTES), s.log).lines;
  } else {
    const line = answered(
      await ui.input({
        id: 'objectPath',
        title: bucket ? t('Purge an object in {0}', bucket) : t('Purge an object'),
        prompt: t('An object path, e.g. videos/intro/master.m3u8, or its full URL'),
        validateInput: (v) => (/^[a-z]+:[/][/]/i.test(v.trim()) ? undefined : check(validateObjectPath)(v)),
      }),
    );
    lines = [line.trim()];
  }
  // A list from a file or a selection is confirmed with its count and buckets; one path typed is not.
  await purgeLinesIn(s, project, lines, bucket, source !== 'input');
}

/** The paths of the purge list in the editor (its selection, or all of it), without any line of a secret, purged like Purge Objects. */
export async function purgeFromEditor(s: Services): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  // Only a purge list: any other editor may hold text that is not paths (a private key, say).
  if (editor?.document.languageId !== PURGE_LIST_LANGUAGE) {
    throw new Error(
      t(
        'this works in a purge list only. Open one with "Purge Objects…", or save a list of paths as a .purgelist file',
      ),
    );
  }
  const text = editor.selection.isEmpty ? editor.document.getText() : editor.document.getText(editor.selection);
  const { lines } = entriesOf(text, s.log);
  const project = await pickProject(s, undefined);
  await purgeLinesIn(s, project, lines, undefined, true);
}

/** Confirms, then purges every object of the bucket. */
export async function purgeBucket(s: Services, node?: unknown): Promise<void> {
  const { project, bucket } = await pickBucket(s, node);
  await confirm(
    s.ui(),
    'purgeBucket',
    t('Purge the CDN cache of every object in bucket {0}?', bucket),
    t(
      'Viewers are served from storage until the CDN caches the objects again, which raises load and latency for a while.',
    ),
    t('Purge Bucket'),
  );
  await s.purge.wholeBucket(project, bucket);
}

/** A run from the project's purge history: shown as details, or purged again (whole buckets first, each confirmed; then the objects, in the run's steps). */
export async function purgeHistory(s: Services, node?: unknown): Promise<void> {
  const ui = s.ui();
  const project = await pickProject(s, node);
  const runs = s.purgeHistory.get(project.projectId);
  if (runs.length === 0)
    return void ui.notify('purgeHistory', 'info', t('No purges from this editor in {0} yet.', project.projectName));
  const run = answered(
    await ui.pick(
      runs.map((r) => ({
        label: describeTargets(r.targets, r.truncated),
        description: outcome(r),
        detail: r.at,
        run: r,
      })),
      { id: 'purgeRun', title: t('Purge history of {0}: choose a run to repeat', project.projectName) },
    ),
  ).run;
  const again = answered(
    await ui.pick(
      [
        { label: t('Purge Again'), action: 'again' as const },
        { label: t('Show Details'), action: 'details' as const },
      ],
      { id: 'purgeRunAction', title: describeTargets(run.targets, run.truncated) },
    ),
  ).action;
  if (again === 'details') return void (await s.details.show(project.projectName, `purge ${run.at}`, run));
  const wholeBuckets = run.targets.filter((x) => x.path === null).map((x) => x.bucket);
  for (const bucket of wholeBuckets) {
    await confirm(
      ui,
      'purgeBucket',
      t('Purge the CDN cache of every object in bucket {0}?', bucket),
      t('This repeats a whole-bucket purge from the history.'),
      t('Purge Bucket'),
    );
    await s.purge.wholeBucket(project, bucket);
  }
  const objects = run.targets.filter((x): x is PurgeTarget => x.path !== null);
  if (objects.length === 0) return;
  // The history keeps the first 1000 targets of a run: a part of a run is not repeated as if it were all of it.
  if (run.truncated) {
    throw new Error(
      t(
        'this run had more objects than the history keeps, so it cannot be repeated whole. Purge the stream or the list again instead',
      ),
    );
  }
  await confirm(
    ui,
    'purgeAgain',
    t('Purge {0} again?', describeTargets(objects)),
    objects
      .slice(0, 10)
      .map((x) => `${x.bucket}/${x.path}`)
      .join('\n') + (objects.length > 10 ? `\n${t('…and {0} more', objects.length - 10)}` : ''),
    t('Purge Again'),
  );
  // In the same steps as the first time (a stream's manifests after its objects).
  const phases: PurgeTarget[][] = [];
  let at = 0;
  for (const size of run.phases ?? [objects.length]) {
    phases.push(objects.slice(at, at + size));
    at += size;
  }
  await s.purge.run(
    project,
    phases.filter((p) => p.length > 0),
  );
}

/** Purging objects, lists and buckets, and the purge history. */
export const purgeCommands = (): Command[] => [
  { id: 'qencodeCdn.purgeObject', name: t('Purge objects'), run: purgeObject },
  { id: 'qencodeCdn.purgeFromEditor', name: t('Purge paths in this editor'), run: purgeFromEditor },
  { id: 'qencodeCdn.purgeBucket', name: t('Purge bucket'), run: purgeBucket },
  { id: 'qencodeCdn.purgeHistory', name: t('Purge history'), run: purgeHistory },
];

/** Purge Stream (a stream's manifests read) and Copy Playback URL: dist/streams.js, loaded on first use. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const streamChunk = /* @__PURE__ */ onFirstUse('streams.js', () => require('./stream') as typeof import('./stream'));

export const streamCommands = (): Command[] => [
  { id: 'qencodeCdn.purgeStream', name: t('Purge stream'), run: (s, node) => streamChunk().purgeStream(s, node) },
  {
    id: 'qencodeCdn.copyPlaybackUrl',
    name: t('Copy playback URL'),
    run: (s, node) => streamChunk().copyPlaybackUrl(s, node),
  },
];

/**
 * Maps lines to targets. A bucket is asked for only when plain paths need one and
 * more than one bucket is known; the last one used comes first. What cannot be
 * mapped is reported. A list from an editor is confirmed with its count.
 */
async function purgeLinesIn(
  s: Services,
  project: ProjectNode,
  lines: string[],
  defaultBucket: string | undefined,
  confirmCount = false,
): Promise<void> {
  if (lines.length === 0) throw new Error(t('there are no paths to purge'));
  const ui = s.ui();
  const domains = await ui.loading(t('Loading playback domains…'), () => project.data.items('domains').catch(() => []));
  let parsed = parsePurgeList(lines, domains, defaultBucket);
  let expected = defaultBucket;
  if (parsed.plainPaths.length) {
    const memory = s.bucketMemory.get(project.projectId);
    const known = await knownBucketsOf(s, project);
    const bucket = known.length === 1 ? known[0]!.name : (await pickBucket(s, project, memory.lastPurged)).bucket;
    await s.bucketMemory.update(project.projectId, (m) => ({ ...m, lastPurged: bucket }));
    parsed = parsePurgeList(lines, domains, bucket);
    expected = bucket;
  }
  const { targets, problems } = parsed;
  const listed =
    problems
      .slice(0, 10)
      .map((p) => `${clip(p.line, 200)}: ${p.reason}`)
      .join('\n') + (problems.length > 10 ? `\n${t('…and {0} more', problems.length - 10)}` : '');
  if (targets.length === 0) throw new Error(t('nothing can be purged. {0}', listed));
  // URLs name their own bucket: one in another bucket than the one purged from is said so, never purged unseen.
  const elsewhere = expected ? targets.filter((x) => x.bucket !== expected) : [];
  if (problems.length || confirmCount || elsewhere.length) {
    const detail = [
      bucketsLine(targets),
      ...(elsewhere.length
        ? ['', t('Not in {0}: {1} (their URLs name another bucket).', expected!, bucketsLine(elsewhere))]
        : []),
      '',
      ...targets.slice(0, 10).map((x) => `${x.bucket}/${clip(x.path, 200)}`),
      ...(targets.length > 10 ? [t('…and {0} more', targets.length - 10)] : []),
      ...(problems.length ? ['', t('Cannot be purged ({0}):', problems.length), listed] : []),
    ].join('\n');
    const title = problems.length
      ? t('{0} of {1} entries cannot be purged. Purge the other {2}?', problems.length, lines.length, targets.length)
      : t('Purge {0}?', describeTargets(targets));
    await confirm(ui, problems.length ? 'purgeProblems' : 'purgeList', title, detail, t('Purge {0}', targets.length));
  }
  await s.purge.run(project, [targets]);
}
