import * as vscode from 'vscode';
import { answered } from '../../actions';
import type { Domain } from '../../core';
import type { ProjectNode } from '../../explorer/nodes';
import type { Services } from '../../services';
import { pickProject } from '../projects/picker';
import { DomainNode } from './node';

const t = vscode.l10n.t;

export interface PickedDomain {
  project: ProjectNode;
  domain: Domain;
}

/** The clicked domain, or one picked from the project's domains (from the data layer, under the view's progress bar). */
export async function pickDomain(s: Services, node: unknown, filter: (d: Domain) => boolean = () => true, placeHolder = t('Playback domain')): Promise<PickedDomain> {
  if (node instanceof DomainNode) return { project: node.projectNode, domain: node.domain };
  const project = await pickProject(s, node);
  const domains = await s.ui().loading(t('Loading playback domains…'), () => project.data.items('domains'));
  const choices = domains.filter(filter);
  if (choices.length === 0) throw new Error(t('project {0} has no matching playback domain', project.project.name));
  const picked = await s.ui().pick(
    choices.map((d) => ({ label: d.name, description: d.type === 'vod' ? `vod${d.bucketName ? ` → ${d.bucketName}` : ''}` : 'live', domain: d })),
    { id: 'domain', title: t('Choose a playback domain'), placeHolder },
  );
  return { project, domain: answered(picked).domain };
}
