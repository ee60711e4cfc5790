import * as vscode from 'vscode';
import { answered, selection } from '../../actions';
import type { Services } from '../../services';
import { pickProject } from '../projects/picker';
import { SigningKeyNode, signingKeyLabel, signingKeyTarget, type IsKeyUnsaved } from './node';

const t = vscode.l10n.t;

/** The selected keys, or one picked from the project's keys. */
export async function pickKeys(
  s: Services,
  node: unknown,
  nodes: unknown,
  isUnsaved: IsKeyUnsaved,
): Promise<SigningKeyNode[]> {
  const selected = selection(node, nodes, SigningKeyNode);
  if (selected.length) return selected;
  const project = await pickProject(s, node);
  const [keys, domains] = await s
    .ui()
    .loading(t('Loading signing keys…'), () => Promise.all([project.data.items('keys'), project.data.domainsById()]));
  if (keys.length === 0) throw new Error(t('project {0} has no signing keys', project.project.name));
  const picked = answered(
    await s.ui().pick(
      keys.map((k) => ({ label: signingKeyLabel(k), description: signingKeyTarget(k, domains), detail: k.id, key: k })),
      { id: 'signingKey', title: t('Choose a signing key') },
    ),
  );
  return [new SigningKeyNode(project.group('keys'), picked.key, domains, isUnsaved)];
}
