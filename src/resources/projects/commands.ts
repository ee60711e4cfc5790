import * as vscode from 'vscode';
import type { Command } from '../../commands';
import { answered, confirm, errorMessage, isCancellation, withProgress } from '../../actions';
import { isQencodeError } from '../../core';
import { ErrorNode, Node, type ProjectNode } from '../../explorer/nodes';
import type { Services } from '../../services';
import { pickProject, projectById } from './picker';
import type { VerifiedKey } from './clients';

const t = vscode.l10n.t;
const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/** Says everything the project keeps here, asks, then removes its key, token, history, CNAME instructions and bucket memory from this editor (nothing in the Qencode account). */
export async function removeApiKey(s: Services, node?: unknown): Promise<void> {
  const project = await pickProject(s, node);
  const id = project.projectId;
  const runs = s.purgeHistory.get(id).length;
  const cnames = s.tlsInstructions.count(id);
  const memory = s.bucketMemory.get(id);
  const drafts = s.cors.draftCount(id);
  const removed = [
    t("its API key, from this machine's secret storage"),
    ...(runs ? [plural(runs, t('its purge history (1 run)'), t('its purge history ({0} runs)', runs))] : []),
    ...(cnames
      ? [
          plural(
            cnames,
            t('the CNAME instructions kept for 1 TLS subscription (Qencode does not show them again)'),
            t('the CNAME instructions kept for {0} TLS subscriptions (Qencode does not show them again)', cnames),
          ),
        ]
      : []),
    ...(memory.added.length ? [t('the buckets you added: {0}', memory.added.join(', '))] : []),
    ...(Object.keys(memory.policies).length ? [t('the access policies remembered for its buckets')] : []),
    ...(drafts
      ? [
          plural(
            drafts,
            t('the changes to 1 CORS policy that were not applied'),
            t('the changes to {0} CORS policies that were not applied', drafts),
          ),
        ]
      : []),
  ];
  await confirm(
    s.ui(),
    'removeProject',
    t('Remove project {0} from this editor?', project.projectName),
    `${t('This removes from this editor:')}\n${removed.map((r) => `• ${r}`).join('\n')}\n\n${t('Nothing changes in your Qencode account.')}`,
    t('Remove'),
  );
  await s.projects.remove(id);
  await Promise.all([s.purgeHistory.forget(id), s.tlsInstructions.forget(id), s.bucketMemory.forget(id)]);
}

/** Asks a new name (not another project's), and renames the row. */
export async function renameProject(s: Services, node?: unknown): Promise<void> {
  const project = await pickProject(s, node);
  const others = s.projects
    .list()
    .filter((p) => p.id !== project.projectId)
    .map((p) => p.name.toLowerCase());
  const name = answered(
    await s.ui().input({
      id: 'projectName',
      title: t('Rename project {0}', project.projectName),
      value: project.projectName,
      validateInput: (v) =>
        !v.trim()
          ? t('Enter a name.')
          : others.includes(v.trim().toLowerCase())
            ? t('A project named {0} exists already.', v.trim())
            : undefined,
    }),
  ).trim();
  await s.projects.rename(project.projectId, name);
}

/** The clicked row's lists are read again (a row with nothing to reload is redrawn); with no row, everything. */
export async function refreshNode(s: Services, node?: unknown): Promise<void> {
  if (node instanceof Node) s.explorer.refreshNode(node);
  else s.explorer.refresh();
}

/** The list that failed to load is read again. */
export async function retry(s: Services, node?: unknown): Promise<void> {
  if (!(node instanceof ErrorNode)) throw new Error(t('Retry works on a row that could not load'));
  s.explorer.refreshNode(node);
}

/** The commands on projects and their API keys. */
export const projectCommands = (): Command[] => [
  { id: 'qencodeCdn.addApiKey', name: t('Add API key'), run: (s) => addApiKey(s) },
  {
    id: 'qencodeCdn.replaceApiKey',
    name: t('Replace API key'),
    run: async (s, node) => replaceApiKey(s, await pickProject(s, node)),
  },
  { id: 'qencodeCdn.removeApiKey', name: t('Remove API key'), run: removeApiKey },
  { id: 'qencodeCdn.renameProject', name: t('Rename project'), run: renameProject },
  { id: 'qencodeCdn.refresh', name: t('Refresh'), run: async (s) => s.explorer.refresh() },
  { id: 'qencodeCdn.refreshNode', name: t('Refresh'), run: refreshNode },
  { id: 'qencodeCdn.retry', name: t('Retry'), run: retry },
];

/** Where a key is sent with the current settings, by host name: the API's (and the token fallback's, asked only when the API serves no access token). */
function hostsOf(s: Services): string {
  const [api, fallback] = s.clients.currentOrigins().map((o) => new URL(o).host);
  return fallback ? t('{0} (or to {1} for the access token, if {0} does not give one)', api!, fallback) : api!;
}

/** A name, then the key (where it goes agreed first), checked with one token request while its box stays open, then kept in SecretStorage. */
export async function addApiKey(s: Services): Promise<void> {
  const ui = s.ui();
  const existing = s.projects.list().map((p) => p.name.toLowerCase());
  const name = answered(
    await ui.input({
      id: 'projectName',
      title: t('Add a Qencode project (1/2)'),
      prompt: t('A name for this project, as you want to see it in the explorer'),
      placeHolder: t('e.g. Production'),
      validateInput: (v) =>
        !v.trim()
          ? t('Enter a name.')
          : existing.includes(v.trim().toLowerCase())
            ? t('A project named {0} exists already.', v.trim())
            : v.length > 100
              ? t('Use at most 100 characters.')
              : undefined,
    }),
  ).trim();
  // Where the key goes is agreed before it is typed (asked only when that is not Qencode).
  const agreed = await s.clients.confirmKeyOrigins(undefined);
  let verified: KeyCheck | undefined;
  const key = answered(
    await ui.input({
      id: 'apiKey',
      title: t('Add a Qencode project (2/2)'),
      prompt: t(
        "The API key of project {0}: in your Qencode account, open the project and copy its API key. It is sent to {1} to check it, then kept in this machine's secret storage.",
        name,
        hostsOf(s),
      ),
      password: true,
      validateInput: (v) =>
        !v.trim() ? t('Enter the API key.') : /\s/.test(v.trim()) ? t('An API key has no spaces.') : undefined,
      // Checked while the box stays open: a refused key is said under it, with the name kept.
      accept: async (v) => (verified = await checkKey(s, name, v.trim(), undefined, agreed)).problem,
    }),
  ).trim();
  await s.projects.add(name, key, verified!.result!);
  void ui.notify('done', 'info', t('Project {0} added.', name));
}

/** The new key (where it goes agreed first), checked while its box stays open, then it replaces the old key and its token. */
export async function replaceApiKey(s: Services, project: ProjectNode): Promise<void> {
  const ui = s.ui();
  const agreed = await s.clients.confirmKeyOrigins(project.projectId);
  let verified: KeyCheck | undefined;
  const key = answered(
    await ui.input({
      id: 'apiKey',
      title: t('API key of project {0}', project.projectName),
      prompt: t(
        "In your Qencode account, open the project and copy its API key. It is sent to {0} to check it, then kept in this machine's secret storage.",
        hostsOf(s),
      ),
      password: true,
      validateInput: (v) => (!v.trim() ? t('Enter the API key.') : undefined),
      accept: async (v) =>
        (verified = await checkKey(s, project.projectName, v.trim(), project.projectId, agreed)).problem,
    }),
  ).trim();
  await s.projects.replaceKey(project.projectId, key, verified!.result!);
  void ui.notify('done', 'info', t('The API key of {0} was replaced.', project.projectName));
}

type KeyCheck = { result?: VerifiedKey; problem?: string };

/** One token request with the key; a refusal or a failure is a message for under the key's box, and nothing is saved. */
async function checkKey(
  s: Services,
  name: string,
  key: string,
  projectId: string | undefined,
  agreed: readonly string[],
): Promise<KeyCheck> {
  try {
    return {
      result: await withProgress(s.ui(), t('Checking the API key of {0}…', name), (signal) =>
        s.clients.verifyApiKey(key, signal, projectId, agreed),
      ),
    };
  } catch (error) {
    if (isCancellation(error))
      return {
        problem: t('Not checked: cancelled. Nothing was saved; press Enter to check it again, or Escape to stop.'),
      };
    if (isQencodeError(error, 'auth'))
      return {
        problem: t(
          'Qencode refused this key{0}. Nothing was saved: check the key and press Enter, or Escape to stop.',
          error.status ? ` (HTTP ${error.status})` : '',
        ),
      };
    return {
      problem: t(
        'The key could not be checked: {0}. Nothing was saved; press Enter to try again, or Escape to stop.',
        errorMessage(error),
      ),
    };
  }
}

/** "Re-enter API Key" after a refused key: that project's key, or Add again when the key was being added. */
export async function reenterApiKey(s: Services, projectId: string | undefined): Promise<void> {
  const project = projectId === undefined ? undefined : projectById(s, projectId);
  if (projectId !== undefined && !project) throw new Error(t('that project was removed from this editor'));
  if (project) await replaceApiKey(s, project);
  else await addApiKey(s);
}
