import * as vscode from 'vscode';
import { answered, selection } from '../../actions';
import type { Domain, SigningKey } from '../../core';
import type { ProjectNode } from '../../explorer/nodes';
import type { Services } from '../../services';
import { pickProject } from '../projects/picker';
import { SigningKeyNode, signingKeyLabel, signingKeyTarget } from './node';

const t = vscode.l10n.t;

/** What a signing-key command acts on: a project's key, and the domains that name what it signs for. */
export interface KeyTarget {
  project: ProjectNode;
  key: SigningKey;
  domains: ReadonlyMap<string, Domain>;
}

/** The selected keys, or one picked from the project's keys. */
export async function pickKeys(s: Services, node: unknown, nodes: unknown): Promise<KeyTarget[]> {
  const selected = selection(node, nodes, SigningKeyNode);
  if (selected.length) return selected.map((row) => ({ project: row.projectNode, key: row.key, domains: row.domains }));
  const project = await pickProject(s, node);
  const [keys, domains] = await s
    .ui()
    .loading(t('Loading signing keys…'), () => Promise.all([project.data.items('keys'), project.data.domainsById()]));
  if (keys.length === 0) throw new Error(t('project {0} has no signing keys', project.projectName));
  const picked = answered(
    await s.ui().pick(
      keys.map((k) => ({ label: signingKeyLabel(k), description: signingKeyTarget(k, domains), detail: k.id, key: k })),
      { id: 'signingKey', title: t('Choose a signing key') },
    ),
  );
  return [{ project, key: picked.key, domains }];
}
