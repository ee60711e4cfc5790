import * as vscode from 'vscode';
import type { Command } from '../../commands';
import * as api from '../../core';
import { newSigningKeys, validItems, validateSigningKeyName, validateStreamId, type SigningKeyFor } from '../../core';
import { answered, check, confirm, createOrReconcile, deleteEach, errorMessage, withProgress } from '../../actions';
import type { ProjectNode } from '../../explorer/nodes';
import type { Services } from '../../services';
import { pickBucket } from '../buckets/picker';
import { pickDomain } from '../domains/picker';
import { pickProject } from '../projects/picker';
import { signingKeyLabel, signingKeyTarget } from './node';
import { pickKeys } from './picker';

const t = vscode.l10n.t;

/**
 * Create Signing Key: asks what it signs for and its name; reads the key list; creates
 * the key (never retried, its reply awaited whatever happens); keeps its private key at
 * once; then names it with a PUT (a failed name is said, the key stays).
 */
export async function createSigningKey(s: Services, node?: unknown): Promise<void> {
  const ui = s.ui();
  const project = await pickProject(s, node);
  const { target, domainName } = await askSigningKeyTarget(s, project);
  const name = answered(
    await ui.input({
      id: 'signingKeyName',
      title: t('Name the signing key (optional)'),
      prompt: t('A name helps you tell keys apart; leave it empty for none.'),
      validateInput: (v) => (v.trim() === '' ? undefined : check(validateSigningKeyName)(v)),
    }),
  ).trim();
  const created = await createKeyOrReconcile(s, project, target);
  project.data.invalidate('keys');
  if (!created) return;
  // From here on the private key must not be lost: keep() never throws. It is kept before the name is sent.
  await s.privateKeys.keep(project.projectId, name ? { ...created, name } : created, domainName);
  if (name) await nameSigningKey(s, project, created, name);
}

/** What a new key signs for: a live stream (by id), a live playback domain, or a bucket. */
async function askSigningKeyTarget(
  s: Services,
  project: ProjectNode,
): Promise<{ target: SigningKeyFor; domainName?: string }> {
  const ui = s.ui();
  const kind = answered(
    await ui.pick(
      [
        {
          label: t('Live stream'),
          detail: t('Signs playback tokens for one live stream, by its stream id.'),
          target: 'stream' as const,
        },
        {
          label: t('Live playback domain'),
          detail: t('Signs playback tokens for a live-streaming domain.'),
          target: 'domain' as const,
        },
        {
          label: t('Media-storage bucket'),
          detail: t('Signs tokens for an authenticated bucket.'),
          target: 'bucket' as const,
        },
      ],
      { id: 'signingKeyFor', title: t('What will the new signing key sign for?') },
    ),
  ).target;
  if (kind === 'stream') {
    const streamId = answered(
      await ui.input({
        id: 'streamId',
        title: t('Live stream id'),
        prompt: t('The id of the live stream, a UUID'),
        validateInput: check(validateStreamId),
      }),
    );
    return { target: { streamId } };
  }
  if (kind === 'domain') {
    const picked = await pickDomain(s, project, (d) => d.type === 'live', t('A live playback domain'));
    return { target: { domainId: picked.domain.id }, domainName: picked.domain.name };
  }
  return { target: { bucketName: (await pickBucket(s, project)).bucket } };
}

/** The create itself; a lost reply is matched by target against the list read just before (core/lost-reply.ts). */
async function createKeyOrReconcile(s: Services, project: ProjectNode, target: SigningKeyFor) {
  const ui = s.ui();
  const client = s.clients.client(project.projectId);
  // Read afresh just before the create, so a lost reply is matched against what existed then.
  const before = new Set(
    validItems(await ui.loading(t('Loading signing keys…'), () => api.listSigningKeys(client))).map((k) => k.id),
  );
  return createOrReconcile(
    ui,
    t('Creating a signing key…'),
    // As the reference shows: the target alone. The name follows with a PUT.
    () => api.createSigningKey(client, target),
    async () => {
      const orphans = newSigningKeys(validItems(await api.listSigningKeys(client)), before, target).map((k) => k.id);
      if (orphans.length === 0) return undefined;
      return orphans.length === 1
        ? t(
            'signing key {0} exists, but its private key was lost with the reply. Delete that key and create a new one',
            orphans[0]!,
          )
        : t(
            'one of the signing keys {0} is probably it (another may have been made meanwhile); its private key was lost with the reply. Delete it and create a new one',
            orphans.join(', '),
          );
    },
  );
}

/** The name, by a PUT after the create; a failure is said, and the key (and its private key) stay. */
async function nameSigningKey(
  s: Services,
  project: ProjectNode,
  created: api.CreatedSigningKey,
  name: string,
): Promise<void> {
  const ui = s.ui();
  if (created.problem) {
    void ui.notify(
      'signingKeyNotNamed',
      'warning',
      t(
        'Signing key {0} was not named, as its reply was incomplete ({1}). Rename it from its row.',
        created.id,
        created.problem,
      ),
    );
    return;
  }
  try {
    await ui.loading(t('Naming the signing key {0}…', name), () =>
      api.renameSigningKey(s.clients.client(project.projectId), created.id, name),
    );
  } catch (error) {
    void ui.notify(
      'signingKeyNotNamed',
      'warning',
      t(
        'Signing key {0} was created and its private key kept, but naming it failed: {1} Rename it from its row.',
        created.id,
        errorMessage(error),
      ),
    );
  }
  project.data.invalidate('keys');
}

/** Asks a new name, checked, and renames the key. */
export async function renameSigningKey(s: Services, node?: unknown): Promise<void> {
  const [target] = await pickKeys(s, node, undefined);
  const key = target!.key;
  const name = answered(
    await s.ui().input({
      id: 'signingKeyName',
      title: t('Rename signing key {0}', signingKeyLabel(key)),
      value: key.name ?? '',
      validateInput: check(validateSigningKeyName),
    }),
  );
  const project = target!.project;
  const renamed = await withProgress(s.ui(), t('Renaming the signing key…'), (signal) =>
    api.renameSigningKey(s.clients.client(project.projectId), key.id, name, signal),
  );
  project.data.replace('keys', renamed);
}

/** The selected keys (or one picked), confirmed with what they sign for, deleted one by one. */
export async function deleteSigningKey(s: Services, node?: unknown, nodes?: unknown): Promise<void> {
  const targets = await pickKeys(s, node, nodes);
  const names = targets.map((k) => `${signingKeyLabel(k.key)} — ${signingKeyTarget(k.key, k.domains)}`);
  await confirm(
    s.ui(),
    'deleteSigningKey',
    targets.length === 1
      ? t('Delete signing key {0}?', signingKeyLabel(targets[0]!.key))
      : t('Delete {0} signing keys?', targets.length),
    t('{0}\n\nTokens signed with it stop working. This cannot be undone.', names.join('\n')),
    t('Delete'),
  );
  try {
    await deleteEach(
      s.ui(),
      targets,
      (k, signal) => api.deleteSigningKey(s.clients.client(k.project.projectId), k.key.id, signal),
      (k) => signingKeyLabel(k.key),
    );
  } finally {
    for (const project of new Set(targets.map((k) => k.project))) project.data.invalidate('keys');
  }
}

/** The commands on signing keys. */
export const keyCommands = (): Command[] => [
  { id: 'qencodeCdn.createSigningKey', name: t('Create signing key'), run: createSigningKey },
  { id: 'qencodeCdn.renameSigningKey', name: t('Rename signing key'), run: renameSigningKey },
  { id: 'qencodeCdn.deleteSigningKey', name: t('Delete signing key'), run: deleteSigningKey },
];
