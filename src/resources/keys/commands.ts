import * as vscode from 'vscode';
import * as api from '../../core';
import { newSigningKeys, validItems, validateSigningKeyName, validateStreamId, type SigningKeyFor } from '../../core';
import {
  answered,
  check,
  confirm,
  createOrReconcile,
  deleteEach,
  errorMessage,
  registerCommand,
  withProgress,
} from '../../actions';
import type { Services } from '../../services';
import { pickBucket } from '../buckets/picker';
import { pickDomain } from '../domains/picker';
import { pickProject } from '../projects/picker';
import { signingKeyLabel, signingKeyTarget } from './node';
import { pickKeys } from './picker';
import type { PrivateKeys } from './private-keys';

const t = vscode.l10n.t;

export function registerKeyCommands(context: vscode.ExtensionContext, s: Services, privateKeys: PrivateKeys): void {
  const register = (id: string, name: string, handler: (node?: unknown, nodes?: unknown) => Promise<void>) =>
    registerCommand(context, s, id, name, handler);
  const isUnsaved = (projectId: string, keyId: string) => privateKeys.isUnsaved(projectId, keyId);

  register('createSigningKey', t('Create signing key'), async (node) => {
    const ui = s.ui();
    const project = await pickProject(s, node);
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
    let target: SigningKeyFor;
    let domainName: string | undefined;
    if (kind === 'stream') {
      target = {
        streamId: answered(
          await ui.input({
            id: 'streamId',
            title: t('Live stream id'),
            prompt: t('The id of the live stream, a UUID'),
            validateInput: check(validateStreamId),
          }),
        ),
      };
    } else if (kind === 'domain') {
      const picked = await pickDomain(s, project, (d) => d.type === 'live', t('A live playback domain'));
      target = { domainId: picked.domain.id };
      domainName = picked.domain.name;
    } else {
      target = { bucketName: (await pickBucket(s, project)).bucket };
    }
    const name = answered(
      await ui.input({
        id: 'signingKeyName',
        title: t('Name the signing key (optional)'),
        prompt: t('A name helps you tell keys apart; leave it empty for none.'),
        validateInput: (v) => (v.trim() === '' ? undefined : check(validateSigningKeyName)(v)),
      }),
    ).trim();
    const client = s.projects.client(project.project.id);
    // Read afresh just before the create, so a lost reply is matched against what existed then.
    const before = new Set(
      validItems(await ui.loading(t('Loading signing keys…'), () => api.listSigningKeys(client))).map((k) => k.id),
    );
    const created = await createOrReconcile(
      ui,
      t('Creating a signing key…'),
      // As the reference shows: the target alone. The name follows with a PUT.
      () => api.createSigningKey(client, target),
      async () => {
        const keys = validItems(await api.listSigningKeys(client));
        const orphans = newSigningKeys(keys, before, target).map((k) => k.id);
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
    project.data.invalidate('keys');
    if (!created) return;
    // From here on the private key must not be lost: keep() never throws. It is kept before the name is sent.
    await privateKeys.keep(project.project.id, name ? { ...created, name } : created, domainName);
    if (!name) return;
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
      await ui.loading(t('Naming the signing key {0}…', name), () => api.renameSigningKey(client, created.id, name));
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
  });

  register('renameSigningKey', t('Rename signing key'), async (node) => {
    const [target] = await pickKeys(s, node, undefined, isUnsaved);
    const key = target!.key;
    const name = answered(
      await s.ui().input({
        id: 'signingKeyName',
        title: t('Rename signing key {0}', signingKeyLabel(key)),
        value: key.name ?? '',
        validateInput: check(validateSigningKeyName),
      }),
    );
    const project = target!.projectNode;
    const renamed = await withProgress(s.ui(), t('Renaming the signing key…'), (signal) =>
      api.renameSigningKey(s.projects.client(project.project.id), key.id, name, signal),
    );
    project.data.replace('keys', renamed);
  });

  register('deleteSigningKey', t('Delete signing key'), async (node, nodes) => {
    const targets = await pickKeys(s, node, nodes, isUnsaved);
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
        (k, signal) => api.deleteSigningKey(s.projects.client(k.projectNode.project.id), k.key.id, signal),
        (k) => signingKeyLabel(k.key),
      );
    } finally {
      for (const project of new Set(targets.map((k) => k.projectNode))) project.data.invalidate('keys');
    }
  });
}
