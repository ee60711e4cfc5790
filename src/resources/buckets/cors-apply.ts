import * as vscode from 'vscode';
import { parseCorsDocument } from '../../core/validators';
import { Cancelled, confirm } from '../../actions';
import type { Services } from '../../services';
import { parseUri, type CorsFileSystem } from './cors-fs';
import { describeCorsChange, isNoChange, planCorsSave, samePolicy, type CorsChange } from './cors-plan';

/* Apply to CDN and Discard Changes: dist/cors-apply.js, loaded on first use (buckets/commands.ts). */

const t = vscode.l10n.t;

/** The document's text as the editor holds it (edited or not), or its draft when it is not open. */
function textOf(cors: CorsFileSystem, uri: vscode.Uri): string | undefined {
  return (
    vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())?.getText() ?? cors.draft(uri)?.text
  );
}

/** `+ Header: "value"`, `~ Header: "old" → "new"`, `− Header (was "value")`, one per line. */
export function changeLines(change: CorsChange): string[] {
  return [
    ...change.added.map((c) => `+ ${c.header}: ${JSON.stringify(c.value)}`),
    ...change.changed.map((c) => `~ ${c.header}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`),
    ...change.removed.map((c) => `− ${c.header} (${t('was {0}', JSON.stringify(c.value))})`),
  ];
}

function summary(change: CorsChange): string {
  return [
    ...(change.added.length ? [t('{0} added', change.added.length)] : []),
    ...(change.changed.length ? [t('{0} changed', change.changed.length)] : []),
    ...(change.removed.length ? [t('{0} removed', change.removed.length)] : []),
  ].join(', ');
}

/**
 * Apply to CDN: the one act that changes a bucket's CORS policy. Checks the document
 * (a refusal names the header and the rule), reads what the CDN holds now, says so if
 * it changed since the document was read, shows what will change header by header and
 * asks (naming any header that will be removed), sends exactly that, reads it back,
 * and confirms in one short message.
 */
export async function applyCors(s: Services, uri: vscode.Uri): Promise<void> {
  const cors = s.cors;
  const ui = s.ui();
  const text = textOf(cors, uri);
  if (text === undefined) throw new Error(t('there is nothing to apply: the document is not open and has no draft'));
  const parsed = parseCorsDocument(text);
  if (!parsed.ok) throw new Error(t('the CORS policy was not applied, and nothing was sent. {0}', parsed.message));
  const wanted = parsed.value;
  const remote = await ui.progress(t('Reading the CORS policy on the CDN…'), () => cors.remote(uri), {
    cancellable: false,
  });
  const { bucket, policy: current, dropped } = remote;
  const base = cors.basePolicy(uri);
  if (base && !samePolicy(base, current)) {
    const anyway = t('Apply Anyway');
    const compare = t('Compare');
    const choice = await ui.ask(
      'corsConflict',
      t('The CORS policy of {0} changed on the CDN since you opened it.', bucket),
      t('Applying replaces what is there now with your document. Compare the two first to see what changed.'),
      anyway,
      compare,
    );
    if (choice === compare) await cors.showDiff(uri, bucket, current);
    if (choice !== anyway) throw new Cancelled();
  }
  const change = describeCorsChange(current, wanted);
  if (isNoChange(change)) {
    await cors.showRemote(uri, current);
    void ui.notify(
      'corsInSync',
      'info',
      t('The CDN already holds this CORS policy for {0}: nothing was sent.', bucket),
    );
    return;
  }
  const plan = planCorsSave(current, wanted);
  const lostUnshown = plan.deleteAll && dropped.length > 0;
  const removing = change.removed.length;
  const action = removing
    ? removing === 1
      ? t('Apply and Remove 1 Header')
      : t('Apply and Remove {0} Headers', removing)
    : t('Apply');
  const detail = [
    ...changeLines(change),
    ...(removing
      ? [
          '',
          removing === 1
            ? t('The removed header is no longer sent by the CDN, so browsers stop getting it.')
            : t('The removed headers are no longer sent by the CDN, so browsers stop getting them.'),
        ]
      : []),
    ...(lostUnshown
      ? [
          '',
          t(
            'This replaces the whole policy, which also removes headers this editor cannot show (their values are not text): {0}.',
            dropped.join(', '),
          ),
        ]
      : []),
  ].join('\n');
  const ok = await ui.confirm(
    'corsApply',
    t(
      'Apply the CORS policy of {0} (project {1}) to the CDN: {2}?',
      bucket,
      s.projects.get(remote.projectId)?.name ?? remote.projectId,
      summary(change),
    ),
    detail,
    action,
  );
  if (!ok) throw new Cancelled();
  const now = await ui.progress(t('Applying the CORS policy of {0}…', bucket), () => cors.send(uri, remote, wanted), {
    cancellable: false,
  });
  if (!samePolicy(now, wanted)) {
    void ui.notify(
      'corsDiffers',
      'warning',
      t(
        'The CDN holds a different CORS policy for {0} than the one applied; the editor shows what it holds now.',
        bucket,
      ),
    );
    return;
  }
  void ui.notify(
    'corsApplied',
    'info',
    t('Applied to the CDN: the CORS policy of {0} ({1}).', bucket, summary(change)),
  );
}

/** Discard Changes: the document shows the CDN's policy again, and the draft goes. */
export async function discardCors(s: Services, uri: vscode.Uri): Promise<void> {
  const cors = s.cors;
  // Only an open document is discarded without a question: a draft nobody is looking at is asked about first.
  if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()) && cors.draft(uri))
    await confirm(
      s.ui(),
      'corsDiscard',
      t('Discard the changes to the CORS policy of {0} that were not applied?', parseUri(uri).bucket),
      t('They are not open in an editor. Discarding cannot be undone; the CDN is not changed.'),
      t('Discard'),
    );
  const remote = await s
    .ui()
    .progress(t('Reading the CORS policy on the CDN…'), () => cors.remote(uri), { cancellable: false });
  await cors.showRemote(uri, remote.policy);
}
