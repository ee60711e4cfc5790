import * as vscode from 'vscode';
import { answered, Cancelled } from '../../actions';
import { Node, ProjectNode } from '../../explorer/nodes';
import type { Services } from '../../services';

const t = vscode.l10n.t;

/** The project of the clicked row; else the only one; else one picked from a list. */
export async function pickProject(s: Services, node?: unknown): Promise<ProjectNode> {
  if (node instanceof Node) return node.projectNode;
  const roots = s.explorer.roots();
  if (roots.length === 0) {
    const add = t('Add API Key…');
    const choice = await s.ui().notify('noProjects', 'info', t('Add the API key of a Qencode project first.'), add);
    if (choice === add) await vscode.commands.executeCommand('qencodeCdn.addApiKey');
    throw new Cancelled();
  }
  if (roots.length === 1) return roots[0]!;
  const picked = await s.ui().pick(
    roots.map((n) => ({ label: n.project.name, node: n })),
    { id: 'project', title: t('Choose a project'), placeHolder: t('Qencode project') },
  );
  return answered(picked).node;
}

/** A project by id, for "Re-enter API Key"; undefined when it was removed meanwhile. */
export function projectById(s: Services, projectId: string): ProjectNode | undefined {
  return s.explorer.roots().find((n) => n.project.id === projectId);
}
