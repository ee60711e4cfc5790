import * as vscode from 'vscode';
import { validateBucketName, type Domain, type Validation } from './core';
import type { Services } from './commands';
import { answered, Cancelled } from './errors';
import { BucketNode, CorsHeaderNode, DomainNode, Node, ProjectNode, SigningKeyNode, TlsNode, signingKeyTarget, valid } from './tree';

const t = vscode.l10n.t;

/** An InputBox validator from a core validator: the message as the user types, nothing when valid. */
export const check = (validate: (s: string) => Validation<unknown>) => (value: string) => {
  const r = validate(value);
  return r.ok ? undefined : r.message;
};

/** A command may get the clicked node and, with multi-select, all selected nodes. */
export function selection<T extends Node>(node: unknown, nodes: unknown, type: abstract new (...args: never[]) => T): T[] {
  const all = Array.isArray(nodes) && nodes.length > 0 ? nodes : node ? [node] : [];
  return all.filter((n): n is T => n instanceof type);
}

/** What a command asks for when it is run from the palette without a node. */
export function makePickers(s: Services) {
  const ui = () => s.ui();

  // ---- pickers: what a command asks for when it is run from the palette ----
  async function pickProject(node?: unknown): Promise<ProjectNode> {
    if (node instanceof ProjectNode) return node;
    // `{ projectId }`: a project named by id, as "Re-enter API Key" after a refused key names it.
    const byId = (node as { projectId?: unknown } | undefined)?.projectId;
    if (typeof byId === 'string') {
      const found = s.explorer.roots().find((n) => n.project.id === byId);
      if (!found) throw new Error(t('that project was removed from this editor'));
      return found;
    }
    if (node instanceof Node) {
      for (let n: Node | undefined = node; n; n = n.parent) if (n instanceof ProjectNode) return n;
    }
    const roots = s.explorer.roots();
    if (roots.length === 0) {
      const add = t('Add API Key…');
      const choice = await ui().notify('noProjects', 'info', t('Add the API key of a Qencode project first.'), add);
      if (choice === add) await vscode.commands.executeCommand('qencodeCdn.addApiKey');
      throw new Cancelled();
    }
    if (roots.length === 1) return roots[0]!;
    const picked = await ui().pick(
      roots.map((n) => ({ label: n.project.name, node: n })),
      { id: 'project', title: t('Choose a project'), placeHolder: t('Qencode project') },
    );
    return answered(picked).node;
  }

  async function pickDomain(node: unknown, filter: (d: Domain) => boolean = () => true, placeHolder = t('Playback domain')): Promise<DomainNode> {
    if (node instanceof DomainNode) return node;
    const project = await pickProject(node);
    const domains = await withProgress(t('Loading playback domains…'), () => project.load('domains'));
    const choices = valid(domains).filter(filter);
    if (choices.length === 0) throw new Error(t('project {0} has no matching playback domain', project.project.name));
    const picked = await ui().pick(
      choices.map((d) => ({ label: d.name, description: d.type === 'vod' ? `vod${d.bucketName ? ` → ${d.bucketName}` : ''}` : 'live', domain: d })),
      { id: 'domain', title: t('Choose a playback domain'), placeHolder },
    );
    return new DomainNode(project.groups.domains, answered(picked).domain);
  }

  async function pickTls(node: unknown): Promise<TlsNode> {
    if (node instanceof TlsNode) return node;
    const project = await pickProject(node);
    const [subs, domains] = await withProgress(t('Loading TLS subscriptions…'), () => Promise.all([project.load('tls'), project.domainsById()]));
    const items = valid(subs).map((sub) => ({ label: domains.get(sub.domainId)?.name ?? sub.domainId, description: sub.status, sub }));
    if (items.length === 0) throw new Error(t('project {0} has no TLS subscriptions', project.project.name));
    const picked = answered(await ui().pick(items, { id: 'tls', title: t('Choose a TLS subscription') }));
    return new TlsNode(project.groups.tls, picked.sub, domains.get(picked.sub.domainId));
  }

  async function pickKeys(node: unknown, nodes: unknown): Promise<SigningKeyNode[]> {
    const selected = selection(node, nodes, SigningKeyNode);
    if (selected.length) return selected;
    const project = await pickProject(node);
    const [keys, domains] = await withProgress(t('Loading signing keys…'), () => Promise.all([project.load('keys'), project.domainsById()]));
    const items = valid(keys).map((k) => ({ label: k.name ?? t('(unnamed)'), description: signingKeyTarget(k, domains), detail: k.id, key: k }));
    if (items.length === 0) throw new Error(t('project {0} has no signing keys', project.project.name));
    const picked = answered(await ui().pick(items, { id: 'signingKey', title: t('Choose a signing key') }));
    return [new SigningKeyNode(project.groups.keys, picked.key, domains)];
  }

  /** A bucket: the clicked one, or one picked from the known buckets, or a name typed in. */
  async function pickBucket(node: unknown): Promise<{ project: ProjectNode; bucket: string }> {
    if (node instanceof CorsHeaderNode) node = node.parent;
    if (node instanceof BucketNode) return { project: node.project, bucket: node.name };
    const project = await pickProject(node);
    const known = (await s.explorer.getChildren(project.groups.buckets)).filter((n): n is BucketNode => n instanceof BucketNode);
    const typeName = { label: t('$(edit) Enter a bucket name…'), bucket: undefined as string | undefined };
    const picked = answered(
      await ui().pick([...known.map((b) => ({ label: b.name, description: b.policy?.policy, bucket: b.name as string | undefined })), typeName], {
        id: 'bucket',
        title: t('Choose a bucket'),
        placeHolder: t('Media-storage bucket'),
      }),
    );
    const bucket = picked.bucket ?? answered(await ui().input({ id: 'bucketName', title: t('Bucket name'), prompt: t('The name of a media-storage bucket in project {0}', project.project.name), validateInput: check(validateBucketName) }));
    return { project, bucket: bucket.trim() };
  }

  /** A cancellable progress notification around an API call. */
  const withProgress = <T>(title: string, work: (signal: AbortSignal) => Promise<T>) => ui().progress(title, (_report, signal) => work(signal));

  const confirm = (id: string, message: string, detail: string, action: string) =>
    ui().confirm(id, message, detail, action).then((ok) => {
      if (!ok) answered(undefined);
    });

  return { pickProject, pickDomain, pickTls, pickKeys, pickBucket, withProgress, confirm };
}
