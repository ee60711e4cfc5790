import * as vscode from 'vscode';
import { answered, check, confirm } from '../../actions';
import { MAX_DOMAINS, validateDomainName, type Domain } from '../../core';
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
export async function pickDomain(
  s: Services,
  node: unknown,
  filter: (d: Domain) => boolean = () => true,
  placeHolder = t('Playback domain'),
): Promise<PickedDomain> {
  if (node instanceof DomainNode) return { project: node.projectNode, domain: node.domain };
  const project = await pickProject(s, node);
  const domains = await s.ui().loading(t('Loading playback domains…'), () => project.data.items('domains'));
  const choices = domains.filter(filter);
  if (choices.length === 0) throw new Error(t('project {0} has no matching playback domain', project.projectName));
  const picked = await s.ui().pick(
    choices.map((d) => ({
      label: d.name,
      description: d.type === 'vod' ? `vod${d.bucketName ? ` → ${d.bucketName}` : ''}` : 'live',
      domain: d,
    })),
    { id: 'domain', title: t('Choose a playback domain'), placeHolder },
  );
  return { project, domain: answered(picked).domain };
}

/**
 * The name of a new playback domain, with the 20-domain limit told before the first
 * question (support can raise it, so the server has the last word) and a name the
 * project already has refused as it is typed. `title` gets the number of domains used.
 */
export async function askNewDomainName(
  s: Services,
  project: ProjectNode,
  title: (used: number, max: number) => string,
  prompt: string,
): Promise<string> {
  const ui = s.ui();
  const existing = await ui.loading(t('Loading playback domains…'), () => project.data.items('domains'));
  if (existing.length >= MAX_DOMAINS) {
    await confirm(
      ui,
      'domainLimit',
      t(
        'Project {0} has {1} playback domains, the most Qencode allows unless support raised the limit.',
        project.projectName,
        existing.length,
      ),
      t(
        'Qencode will refuse a new one unless the limit of your account was raised. Delete a domain first, or try anyway.',
      ),
      t('Try Anyway'),
    );
  }
  const taken = new Set(existing.map((d) => d.name));
  return answered(
    await ui.input({
      id: 'domainName',
      title: title(existing.length, MAX_DOMAINS),
      prompt,
      validateInput: (v) =>
        check(validateDomainName)(v) ??
        (taken.has(v.trim().toLowerCase())
          ? t('{0} is a playback domain of this project already.', v.trim().toLowerCase())
          : undefined),
    }),
  )
    .trim()
    .toLowerCase();
}
