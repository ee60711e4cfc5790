import * as vscode from 'vscode';
import { qencodeUrlAt, type Domain, type QencodeUrl } from '../../core';
import type { ProjectNode } from '../../explorer/nodes';
import type { Services } from '../../services';
import { certificateOf } from '../tls/certificate';

const t = vscode.l10n.t;

/** The commands a hover's links may run; no other command is trusted in it. */
const HOVER_COMMANDS = [
  'qencodeCdn.purgeUrl',
  'qencodeCdn.purgeStream',
  'qencodeCdn.copyPath',
  'qencodeCdn.revealBucket',
  'qencodeCdn.checkUrl',
];

/** The vod domains of the projects loaded in this window, as last read: no request. */
export function knownDomains(s: Services): Domain[] {
  return s.explorer.roots().flatMap((r) => r.data.peek('domains'));
}

/** The loaded project whose buckets include this URL's (from what the data layer has read, with no request). */
export function ownerOf(s: Services, url: QencodeUrl): ProjectNode | undefined {
  for (const project of s.explorer.roots()) {
    const domains = project.data.peek('domains');
    if (url.domain && domains.some((d) => d.name === url.domain)) return project;
    const keys = project.data.peek('keys');
    const memory = s.bucketMemory.get(project.projectId);
    if (
      domains.some((d) => d.bucketName === url.bucket) ||
      keys.some((k) => k.target.kind === 'bucket' && k.target.bucketName === url.bucket) ||
      memory.added.includes(url.bucket)
    )
      return project;
  }
  return undefined;
}

/**
 * The hover on a Qencode URL in any file: what it is (bucket, path, project), which vod
 * domains serve it, its access policy as far as this editor knows, and links to act on it.
 * One line is read; no request is made.
 */
export function urlHover(
  s: Services,
  document: vscode.TextDocument,
  position: vscode.Position,
): vscode.Hover | undefined {
  const found = qencodeUrlAt(document.lineAt(position.line).text, position.character, knownDomains(s));
  if (!found) return undefined;
  const owner = ownerOf(s, found);
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: HOVER_COMMANDS };
  // Everything that comes from the file or the server is added as text, never as Markdown:
  // a crafted URL must not close a code span and slip in a link of its own.
  const paragraph = (value: string) => md.appendText(value.replace(/[\r\n]+/g, ' ')).appendMarkdown('\n\n');
  md.appendMarkdown(`**$(cloud) ${t('Qencode media')}** · `);
  paragraph(
    owner
      ? `${t('bucket {0}', found.bucket)} · ${t('project {0}', owner.project.name)}`
      : t('bucket {0}', found.bucket),
  );
  paragraph(t('Path: {0}', found.path));
  const serving = servedBy(s, found);
  if (serving) paragraph(serving);
  paragraph(policyLine(s, found, owner));
  md.appendMarkdown(links(found, owner).join(' · '));
  return new vscode.Hover(md, new vscode.Range(position.line, found.start, position.line, found.end));
}

/** The vod domain the URL names, or those that serve its bucket; one without an issued certificate is marked (https to it fails). */
function servedBy(s: Services, found: QencodeUrl): string | undefined {
  const domains = knownDomains(s);
  const named = (d: Domain) => {
    const project = s.explorer.roots().find((r) => r.data.peek('domains').includes(d));
    const state = project?.data.has('tls') ? certificateOf(d.id, project.data.peek('tls')) : 'issued';
    return state === 'issued' ? d.name : t('{0} (no issued certificate: https to it fails)', d.name);
  };
  if (found.domain) {
    const d = domains.find((x) => x.name === found.domain);
    return t('Served by the vod domain {0}', d ? named(d) : found.domain);
  }
  const serving = domains.filter((d) => d.type === 'vod' && d.bucketName === found.bucket).map(named);
  return serving.length ? t('Also served by {0}', serving.join(', ')) : undefined;
}

/** The access policy as set from this editor; else what a bucket signing key suggests; the API cannot read it. */
function policyLine(s: Services, found: QencodeUrl, owner: ProjectNode | undefined): string {
  if (!owner) return t('Not in a project loaded in this window yet.');
  const policies = s.bucketMemory.get(owner.project.id).policies;
  const policy = Object.hasOwn(policies, found.bucket) ? policies[found.bucket] : undefined;
  if (policy) return t('Access policy: {0} (set from this editor on {1})', policy.policy, policy.at);
  const keyed = owner.data.peek('keys').some((k) => k.target.kind === 'bucket' && k.target.bucketName === found.bucket);
  return keyed
    ? t(
        'Access policy: a signing key exists for this bucket, so it is probably authenticated: players need a signed URL (not set from this editor, and the API cannot read it)',
      )
    : t('Access policy: not known here (buckets are public by default)');
}

/** Command links, each with the URL as its one argument (JSON, URI-encoded: the URL cannot escape the link). */
function links(found: QencodeUrl, owner: ProjectNode | undefined): string[] {
  const link = (label: string, command: string) =>
    `[${label}](command:${command}?${encodeURIComponent(JSON.stringify([{ url: found.url }]))})`;
  return [
    link(t('Purge'), 'qencodeCdn.purgeUrl'),
    ...(found.manifest ? [link(t('Purge Stream'), 'qencodeCdn.purgeStream')] : []),
    link(t('Check at the Edge'), 'qencodeCdn.checkUrl'),
    link(t('Copy Path'), 'qencodeCdn.copyPath'),
    ...(owner ? [link(t('Reveal Bucket'), 'qencodeCdn.revealBucket')] : []),
  ];
}
