import * as vscode from 'vscode';
import type { Command } from '../../commands';
import * as api from '../../core';
import { ACCESS_POLICIES, formatWhen, validateBucketName, type AccessPolicy } from '../../core';
import { answered, check, confirm, withProgress } from '../../actions';
import type { Services } from '../../services';
import { pickProject } from '../projects/picker';
import { onFirstUse } from '../../core/first-use';
import { corsDocumentUri, corsUri, CORS_SCHEME } from './cors-fs';
import { BucketNode } from './node';
import { knownBucketsOf, pickBucket } from './picker';
import { askRegion } from './region';

const t = vscode.l10n.t;

/** A bucket name typed (the API cannot list buckets), checked, and kept in the project's list. */
export async function addBucket(s: Services, node?: unknown): Promise<void> {
  const project = await pickProject(s, node);
  const known = (await knownBucketsOf(s, project)).map((b) => b.name);
  const name = answered(
    await s.ui().input({
      id: 'bucketName',
      title: t('Add a bucket to {0}', project.projectName),
      prompt: t('The name of a media-storage bucket. The API cannot list buckets, so add the ones you work with.'),
      validateInput: (v) =>
        check(validateBucketName)(v) ??
        (known.includes(v.trim()) ? t('{0} is in the list already.', v.trim()) : undefined),
    }),
  ).trim();
  await s.bucketMemory.update(project.projectId, (m) => ({ ...m, added: [...m.added, name] }));
  project.data.changed('buckets');
}

/** A bucket the user added leaves the list (one known from a domain or a key stays). */
export async function removeBucket(s: Services, node?: unknown): Promise<void> {
  if (!(node instanceof BucketNode)) throw new Error(t('choose a bucket you added, in the explorer'));
  if (!node.bucket.addedByUser)
    throw new Error(t('{0} is known from a domain or a signing key, so it stays in the list', node.name));
  await s.bucketMemory.update(node.projectNode.projectId, (m) => ({
    ...m,
    added: m.added.filter((b) => b !== node.name),
  }));
  node.projectNode.data.changed('buckets');
}

/** Asks the bucket's media-storage region and keeps it: its media-storage URLs are built with it. */
export async function setBucketRegion(s: Services, node?: unknown): Promise<void> {
  const { project, bucket } = await pickBucket(s, node);
  const region = await askRegion(s, project.projectId, bucket);
  project.data.changed('buckets');
  void s
    .ui()
    .notify('bucketRegion', 'info', t('Bucket {0} is in {1}: its media-storage URLs use that region.', bucket, region));
}

/** Public or authenticated, confirmed with what changes for players, then set; remembered here, since the API cannot read it back. */
export async function setAccessPolicy(s: Services, node?: unknown): Promise<void> {
  const { project, bucket } = await pickBucket(s, node);
  const ui = s.ui();
  const policy = answered(
    await ui.pick(
      [
        {
          label: t('Public'),
          description: 'public',
          detail: t("Anyone with an object's URL can play it (the default)."),
          policy: 'public' as AccessPolicy,
        },
        {
          label: t('Authenticated'),
          description: 'authenticated',
          detail: t("Every request needs a token signed with one of the bucket's signing keys."),
          policy: 'authenticated' as AccessPolicy,
        },
      ],
      { id: 'accessPolicy', title: t('Access policy for bucket {0}', bucket) },
    ),
  ).policy;
  if (!ACCESS_POLICIES.includes(policy)) return;
  if (policy === 'authenticated') {
    await confirm(
      ui,
      'authenticatedPolicy',
      t('Make bucket {0} authenticated?', bucket),
      t(
        'Public URLs of its objects stop working at once: players must send a token signed with a signing key of this bucket.',
      ),
      t('Make Authenticated'),
    );
  } else {
    await confirm(
      ui,
      'publicPolicy',
      t('Make bucket {0} public?', bucket),
      t('Every object in it can then be played by anyone who has its URL, with no token. Signed URLs keep working.'),
      t('Make Public'),
    );
  }
  await withProgress(ui, t('Setting the access policy of {0}…', bucket), (signal) =>
    api.setBucketPolicy(s.clients.client(project.projectId), bucket, policy, signal),
  );
  await s.bucketMemory.update(project.projectId, (m) => ({
    ...m,
    policies: { ...m.policies, [bucket]: { policy, at: formatWhen(new Date()) } },
  }));
  project.data.changed('buckets');
  void ui.notify('done', 'info', t('Bucket {0} is now {1}.', bucket, policy));
}

/** The bucket's CORS policy read from the API, in a read-only document. */
export async function showCors(s: Services, node?: unknown): Promise<void> {
  const { project, bucket } = await pickBucket(s, node);
  const policy = await withProgress(s.ui(), t('Getting the CORS policy of {0}…', bucket), (signal) =>
    api.getCors(s.clients.client(project.projectId), bucket, signal),
  );
  await s.details.show(project.projectName, `cors ${bucket}`, policy);
}

/** Opens the bucket's CORS policy as an editable JSON document; saving keeps a draft, Apply sends it. */
export async function editCors(s: Services, node?: unknown): Promise<void> {
  const { project, bucket } = await pickBucket(s, node);
  const doc = await vscode.workspace.openTextDocument(corsUri(project.projectId, bucket));
  await vscode.window.showTextDocument(doc, { preview: false });
}

/** The CORS document as edited, beside the policy the CDN has now. */
export async function compareCors(s: Services, node?: unknown): Promise<void> {
  // A bucket's row compares that bucket; the editor title button compares its document.
  let uri =
    node instanceof vscode.Uri ? node : node === undefined ? vscode.window.activeTextEditor?.document.uri : undefined;
  if (!uri || uri.scheme !== CORS_SCHEME) {
    const { project, bucket } = await pickBucket(s, node);
    uri = corsUri(project.projectId, bucket);
  }
  await s.cors.compareWithRemote(uri);
}

/** Apply to CDN and Discard Changes: dist/cors-apply.js, loaded on first use. */
const corsApply = /* @__PURE__ */ onFirstUse(
  'cors-apply.js',
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  () => require('./cors-apply') as typeof import('./cors-apply'),
);

/** The commands on buckets and their CORS policies. */
export const bucketCommands = (): Command[] => [
  { id: 'qencodeCdn.addBucket', name: t('Add bucket'), run: addBucket },
  { id: 'qencodeCdn.removeBucket', name: t('Remove bucket from list'), run: removeBucket },
  { id: 'qencodeCdn.setBucketRegion', name: t('Set media-storage region'), run: setBucketRegion },
  { id: 'qencodeCdn.setAccessPolicy', name: t('Set bucket access policy'), run: setAccessPolicy },
  { id: 'qencodeCdn.showCors', name: t('Show CORS policy'), run: showCors },
  { id: 'qencodeCdn.editCors', name: t('Edit CORS policy'), run: editCors },
  {
    id: 'qencodeCdn.applyCors',
    name: t('Apply CORS policy to the CDN'),
    run: (s, node) => corsApply().applyCors(s, corsDocumentUri(node)),
  },
  {
    id: 'qencodeCdn.discardCors',
    name: t('Discard CORS changes'),
    run: (s, node) => corsApply().discardCors(s, corsDocumentUri(node)),
  },
  { id: 'qencodeCdn.compareCors', name: t('Compare CORS policy with remote'), run: compareCors },
];
