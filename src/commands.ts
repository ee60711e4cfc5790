import * as vscode from 'vscode';
import * as api from './core';
import {
  ACCESS_POLICIES,
  formatWhen,
  isoOrNull,
  isQencodeError,
  MAX_DOMAINS,
  newSigningKeys,
  validateBucketName,
  validateDomainName,
  validateSigningKeyName,
  validateStreamId,
  type AccessPolicy,
  type Domain,
  type DomainType,
  type SigningKey,
  type TlsSubscription,
  type SigningKeyFor,
} from './core';
import { corsUri, CORS_SCHEME, type CorsFileSystem } from './cors';
import type { DetailsDocuments } from './documents';
import { answered, registerCommand, type ActionContext } from './errors';
import type { PrivateKeys } from './private-keys';
import type { Projects } from './projects';
import {
  BucketNode,
  DomainNode,
  ErrorNode,
  Explorer,
  Node,
  SigningKeyNode,
  TlsNode,
  signingKeyTarget,
  valid,
} from './tree';
import { check, makePickers, selection } from './pickers';
import type { Ui } from './ui';

const t = vscode.l10n.t;

export interface Services extends ActionContext {
  projects: Projects;
  explorer: Explorer;
  details: DetailsDocuments;
  privateKeys: PrivateKeys;
  cors: CorsFileSystem;
  ui: () => Ui;
}

export function registerCommands(context: vscode.ExtensionContext, s: Services): void {
  const ui = () => s.ui();
  const register = (id: string, name: string, handler: (node?: unknown, nodes?: unknown) => Promise<void>) => registerCommand(context, s, id, name, handler);

  const { pickProject, pickDomain, pickTls, pickKeys, pickBucket, withProgress, confirm } = makePickers(s);

  const notifyDone = (message: string, ...actions: string[]) => ui().notify('done', 'info', message, ...actions);

  /**
   * Runs a create, which is never retried. Once it is sent its reply is awaited
   * whatever the user presses: the reply may carry the only copy of a private key
   * or of the CNAME instructions, so the progress has no Cancel and the request no
   * abort signal (the client's own deadline still applies). When the reply is lost
   * (a timeout, a dropped connection, an unreadable reply) nobody knows whether it
   * happened, so the list is read again and the user is told which it was. Returns
   * undefined when the create happened but its reply was lost.
   */
  async function createOrReconcile<T>(title: string, create: () => Promise<T>, find: () => Promise<string | undefined>): Promise<T | undefined> {
    try {
      return await ui().progress(title, () => create(), { cancellable: false });
    } catch (error) {
      const ambiguous = isQencodeError(error) && (error.kind === 'timeout' || error.kind === 'network' || (error.kind === 'invalid-response' && (error.status ?? 0) < 300));
      if (!ambiguous) throw error;
      let found: string | undefined;
      try {
        found = await ui().progress(t('Checking whether it happened…'), () => find(), { cancellable: false });
      } catch {
        // Unknown is not "no": the user must look before trying again, or risk a duplicate.
        throw error.with({ reason: t('{0}; whether it happened could not be checked, so refresh the list before you try again', error.reason) });
      }
      if (found === undefined) throw error.with({ reason: t('{0}; a check of the list shows it did not happen, so you can try again', error.reason) });
      void ui().notify('reconciled', 'warning', t('{0} The reply was lost, but the check shows it did happen: {1}.', error.message, found));
      return undefined;
    }
  }

  // ---- projects ----
  register('addApiKey', t('Add API key'), async () => {
    const existing = s.projects.list().map((p) => p.name.toLowerCase());
    const name = answered(
      await ui().input({
        id: 'projectName',
        title: t('Add a Qencode project (1/2)'),
        prompt: t('A name for this project, as you want to see it in the explorer'),
        placeHolder: t('e.g. Production'),
        validateInput: (v) => (!v.trim() ? t('Enter a name.') : existing.includes(v.trim().toLowerCase()) ? t('A project named {0} exists already.', v.trim()) : v.length > 100 ? t('Use at most 100 characters.') : undefined),
      }),
    ).trim();
    const key = answered(
      await ui().input({
        id: 'apiKey',
        title: t('Add a Qencode project (2/2)'),
        prompt: t('The API key of project {0}: in your Qencode account, open the project and copy its API key.', name),
        password: true,
        validateInput: (v) => (!v.trim() ? t('Enter the API key.') : /\s/.test(v.trim()) ? t('An API key has no spaces.') : undefined),
      }),
    ).trim();
    await withProgress(t('Checking the API key of {0}…', name), (signal) => s.projects.verifyApiKey(key, signal));
    await s.projects.add(name, key);
    void notifyDone(t('Project {0} added.', name));
  });

  register('replaceApiKey', t('Replace API key'), async (node) => {
    const project = await pickProject(node);
    const key = answered(
      await ui().input({
        id: 'apiKey',
        title: t('API key of project {0}', project.project.name),
        prompt: t('In your Qencode account, open the project and copy its API key.'),
        password: true,
        validateInput: (v) => (!v.trim() ? t('Enter the API key.') : undefined),
      }),
    ).trim();
    await withProgress(t('Checking the API key of {0}…', project.project.name), (signal) => s.projects.verifyApiKey(key, signal, project.project.id));
    await s.projects.replaceKey(project.project.id, key);
    void notifyDone(t('The API key of {0} was replaced.', project.project.name));
  });

  register('removeApiKey', t('Remove API key'), async (node) => {
    const project = await pickProject(node);
    const id = project.project.id;
    const runs = s.projects.purgeHistory(id).length;
    const cnames = s.projects.tlsMessageCount(id);
    const added = s.projects.buckets(id).added;
    const removed = [
      t('its API key, from this machine\'s secret storage'),
      ...(runs ? [t('its purge history ({0} runs)', runs)] : []),
      ...(cnames ? [t('the CNAME instructions kept for {0} TLS subscriptions (Qencode does not show them again)', cnames)] : []),
      ...(added.length ? [t('the buckets you added: {0}', added.join(', '))] : []),
      ...(Object.keys(s.projects.buckets(id).policies).length ? [t('the access policies remembered for its buckets')] : []),
    ];
    await confirm(
      'removeProject',
      t('Remove project {0} from this editor?', project.project.name),
      `${t('This removes from this editor:')}\n${removed.map((r) => `• ${r}`).join('\n')}\n\n${t('Nothing changes in your Qencode account.')}`,
      t('Remove'),
    );
    await s.projects.remove(project.project.id);
  });

  register('renameProject', t('Rename project'), async (node) => {
    const project = await pickProject(node);
    const others = s.projects.list().filter((p) => p.id !== project.project.id).map((p) => p.name.toLowerCase());
    const name = answered(
      await ui().input({
        id: 'projectName',
        title: t('Rename project {0}', project.project.name),
        value: project.project.name,
        validateInput: (v) => (!v.trim() ? t('Enter a name.') : others.includes(v.trim().toLowerCase()) ? t('A project named {0} exists already.', v.trim()) : undefined),
      }),
    ).trim();
    await s.projects.rename(project.project.id, name);
  });

  register('refresh', t('Refresh'), async () => s.explorer.refresh());
  register('refreshNode', t('Refresh'), async (node) => {
    if (node instanceof Node) s.explorer.refreshNode(node);
    else s.explorer.refresh();
  });
  register('retry', t('Retry'), async (node) => {
    if (node instanceof ErrorNode) s.explorer.refreshNode(node.parent);
  });

  // ---- playback domains ----
  register('createDomain', t('Create playback domain'), async (node) => {
    const project = await pickProject(node);
    // The limit is told before the first question, not after the last.
    const existing = valid(await withProgress(t('Loading playback domains…'), () => project.load('domains')));
    if (existing.length >= MAX_DOMAINS) {
      throw new Error(t('project {0} has {1} playback domains, the most Qencode allows. Delete one, or ask Qencode support to raise the limit', project.project.name, existing.length));
    }
    const taken = new Set(existing.map((d) => d.name));
    const name = answered(
      await ui().input({
        id: 'domainName',
        title: t('Create a playback domain in {0} ({1} of {2} used)', project.project.name, existing.length, MAX_DOMAINS),
        prompt: t('The host name players will use, e.g. live.example.com. You will point it at Qencode with a CNAME record.'),
        validateInput: (v) => check(validateDomainName)(v) ?? (taken.has(v.trim().toLowerCase()) ? t('{0} is a playback domain of this project already.', v.trim().toLowerCase()) : undefined),
      }),
    );
    const type = answered(
      await ui().pick(
        [
          { label: t('Live streaming'), description: 'live', detail: t('For live streams. A live domain cannot be changed after it is created.'), type: 'live' as DomainType },
          { label: t('Media storage (VOD)'), description: 'vod', detail: t('Serves a media-storage bucket; you can change its bucket later.'), type: 'vod' as DomainType },
        ],
        { id: 'domainType', title: t('What will {0} serve?', name.trim().toLowerCase()) },
      ),
    ).type;
    const client = project.projects.client(project.project.id);
    const wanted = name.trim().toLowerCase();
    const domain = await createOrReconcile(
      t('Creating playback domain {0}…', wanted),
      () => api.createDomain(client, { name, type }),
      async () => (valid(await api.listDomains(client)).some((d) => d.name === wanted) ? t('domain {0} exists', wanted) : undefined),
    );
    s.explorer.reload(project, ['domains']);
    if (!domain) return;
    const createTls = t('Create TLS Subscription');
    const setBucket = t('Set Bucket…');
    const choice = await notifyDone(t('Playback domain {0} created.', domain.name), ...(type === 'vod' ? [setBucket, createTls] : [createTls]));
    const target = new DomainNode(project.groups.domains, domain);
    if (choice === createTls) await vscode.commands.executeCommand('qencodeCdn.createTls', target);
    if (choice === setBucket) await vscode.commands.executeCommand('qencodeCdn.setDomainBucket', target);
  });

  register('listDomainsByType', t('List playback domains by type'), async (node) => {
    const project = await pickProject(node);
    const type = answered(
      await ui().pick(
        [
          { label: t('Live streaming domains'), type: 'live' as DomainType },
          { label: t('Media storage (VOD) domains'), type: 'vod' as DomainType },
        ],
        { id: 'domainType', title: t('Which playback domains?') },
      ),
    ).type;
    const domains = valid(await withProgress(t('Listing {0} domains…', type), (signal) => api.listDomains(project.projects.client(project.project.id), type, signal)));
    if (domains.length === 0) return void notifyDone(t('Project {0} has no {1} domains.', project.project.name, type));
    const picked = answered(
      await ui().pick(
        domains.map((d) => ({ label: d.name, description: d.bucketName ? `→ ${d.bucketName}` : undefined, detail: d.id, domain: d })),
        { id: 'domain', title: t('{0} {1} domains in {2}: choose one to see its details', domains.length, type, project.project.name) },
      ),
    );
    await s.details.show(project.project.name, `domain ${picked.domain.name}`, domainJson(picked.domain));
  });

  register('setDomainBucket', t('Set domain bucket'), async (node) => {
    const target = await pickDomain(node, (d) => d.type === 'vod', t('A media-storage (vod) domain'));
    if (target.domain.type !== 'vod') throw new Error(t('{0} is a live domain; live domains cannot be changed after they are created', target.domain.name));
    const { bucket } = await pickBucket(target.project);
    const domain = await withProgress(t('Pointing {0} at bucket {1}…', target.domain.name, bucket), (signal) =>
      api.setDomainBucket(target.project.projects.client(target.project.project.id), target.domain.id, bucket, signal),
    );
    s.explorer.reload(target.project, ['domains']);
    void notifyDone(t('{0} now serves bucket {1}.', domain.name, domain.bucketName ?? bucket));
  });

  register('deleteDomain', t('Delete playback domain'), async (node, nodes) => {
    const targets = selection(node, nodes, DomainNode);
    if (targets.length === 0) targets.push(await pickDomain(node));
    const names = targets.map((d) => d.domain.name);
    await confirm(
      'deleteDomain',
      targets.length === 1 ? t('Delete playback domain {0}?', names[0]!) : t('Delete {0} playback domains?', targets.length),
      t('{0}\n\nPlayers that use it stop working, and its TLS subscription is deleted with it. This cannot be undone.', names.join('\n')),
      t('Delete'),
    );
    await deleteEach(targets, (d, signal) => api.deleteDomain(d.project.projects.client(d.project.project.id), d.domain.id, signal), (d) => d.domain.name);
    for (const project of new Set(targets.map((d) => d.project))) s.explorer.reload(project, ['domains', 'tls']);
  });

  register('copyDomainName', t('Copy domain name'), async (node) => {
    const d = await pickDomain(node);
    await vscode.env.clipboard.writeText(d.domain.name);
  });

  register('copyId', t('Copy ID'), async (node) => {
    const id = node instanceof DomainNode ? node.domain.id : node instanceof TlsNode ? node.subscription.id : node instanceof SigningKeyNode ? node.key.id : undefined;
    if (id) await vscode.env.clipboard.writeText(id);
  });

  register('showDetails', t('Show details'), async (node) => {
    const target = node instanceof Node ? node : await pickDomain(node);
    if (target instanceof DomainNode) {
      const client = target.project.projects.client(target.project.project.id);
      const d = await withProgress(t('Getting {0}…', target.domain.name), (signal) => api.getDomain(client, target.domain.id, signal));
      await s.details.show(target.project.project.name, `domain ${d.name}`, domainJson(d));
    } else if (target instanceof TlsNode) {
      const client = target.project.projects.client(target.project.project.id);
      const sub = await withProgress(t('Getting the TLS subscription…'), (signal) => api.getTlsSubscription(client, target.subscription.id, signal));
      await s.details.show(target.project.project.name, `tls ${target.domain?.name ?? sub.id}`, tlsJson(sub, target.domain, sub.message ?? target.message));
    } else if (target instanceof SigningKeyNode) {
      const client = target.project.projects.client(target.project.project.id);
      const k = await withProgress(t('Getting the signing key…'), (signal) => api.getSigningKey(client, target.key.id, signal));
      await s.details.show(target.project.project.name, `signing key ${k.name ?? k.id}`, signingKeyJson(k, target.domains));
    }
  });

  // ---- TLS subscriptions ----
  register('createTls', t('Create TLS subscription'), async (node) => {
    const project = await pickProject(node);
    const existing = new Set(valid(await withProgress(t('Loading TLS subscriptions…'), () => project.load('tls'))).map((x) => x.domainId));
    const target = node instanceof DomainNode ? node : await pickDomain(project, (d) => !existing.has(d.id), t('A domain without a TLS subscription'));
    if (existing.has(target.domain.id)) throw new Error(t('{0} has a TLS subscription already', target.domain.name));
    const client = project.projects.client(project.project.id);
    const sub = await createOrReconcile(
      t('Creating a TLS subscription for {0}…', target.domain.name),
      () => api.createTlsSubscription(client, target.domain.id),
      async () => (valid(await api.listTlsSubscriptions(client)).some((x) => x.domainId === target.domain.id) ? t('{0} has a TLS subscription', target.domain.name) : undefined),
    );
    s.explorer.reload(project, ['tls']);
    if (!sub) return;
    await project.projects.rememberTlsMessage(project.project.id, sub.id, sub.message);
    await showCname(target.domain.name, sub.message);
  });

  register('refreshTlsStatus', t('Refresh TLS status'), async (node) => {
    const target = await pickTls(node);
    const project = target.project;
    const sub = await withProgress(t('Checking the TLS subscription of {0}…', target.domain?.name ?? target.subscription.domainId), (signal) =>
      api.getTlsSubscription(project.projects.client(project.project.id), target.subscription.id, signal),
    );
    project.replaceCached('tls', sub);
    s.explorer.redraw(project, ['tls']);
  });

  register('showCnameInstructions', t('Show CNAME instructions'), async (node) => {
    const target = await pickTls(node);
    await showCname(target.domain?.name ?? target.subscription.domainId, target.message);
  });

  async function showCname(domainName: string, message: string | undefined): Promise<void> {
    const cname = parseCname(message);
    if (!cname) {
      await ui().notify(
        'cname',
        'info',
        message ??
          t('Qencode gives the CNAME target for {0} only in the reply that creates the TLS subscription, and this editor did not keep it. Your Qencode account shows it with the domain.', domainName),
      );
      return;
    }
    const copy = t('Copy CNAME Target');
    const choice = await ui().notify(
      'cname',
      'info',
      t('To verify {0}, add the DNS record “{1} CNAME {2}”. The certificate is issued once the record resolves.', domainName, cname.name, cname.target),
      copy,
    );
    if (choice === copy) await vscode.env.clipboard.writeText(cname.target);
  }

  register('deleteTls', t('Delete TLS subscription'), async (node, nodes) => {
    const targets = selection(node, nodes, TlsNode);
    if (targets.length === 0) targets.push(await pickTls(node));
    const names = targets.map((x) => x.domain?.name ?? x.subscription.domainId);
    await confirm(
      'deleteTls',
      targets.length === 1 ? t('Delete the TLS subscription of {0}?', names[0]!) : t('Delete {0} TLS subscriptions?', targets.length),
      t('{0}\n\nHTTPS for the domain stops being renewed. This cannot be undone.', names.join('\n')),
      t('Delete'),
    );
    await deleteEach(targets, (x, signal) => api.deleteTlsSubscription(x.project.projects.client(x.project.project.id), x.subscription.id, signal), (x) => x.domain?.name ?? x.subscription.id);
    for (const project of new Set(targets.map((x) => x.project))) s.explorer.reload(project, ['tls']);
  });

  // ---- signing keys ----
  register('createSigningKey', t('Create signing key'), async (node) => {
    const project = await pickProject(node);
    const kind = answered(
      await ui().pick(
        [
          { label: t('Live stream'), detail: t('Signs playback tokens for one live stream, by its stream id.'), target: 'stream' as const },
          { label: t('Live playback domain'), detail: t('Signs playback tokens for a live-streaming domain.'), target: 'domain' as const },
          { label: t('Media-storage bucket'), detail: t('Signs tokens for an authenticated bucket.'), target: 'bucket' as const },
        ],
        { id: 'signingKeyFor', title: t('What will the new signing key sign for?') },
      ),
    ).target;
    let target: SigningKeyFor;
    if (kind === 'stream') {
      target = { streamId: answered(await ui().input({ id: 'streamId', title: t('Live stream id'), prompt: t('The id of the live stream, a UUID'), validateInput: check(validateStreamId) })) };
    } else if (kind === 'domain') {
      target = { domainId: (await pickDomain(project, (d) => d.type === 'live', t('A live playback domain'))).domain.id };
    } else {
      target = { bucketName: (await pickBucket(project)).bucket };
    }
    const name = answered(
      await ui().input({
        id: 'signingKeyName',
        title: t('Name the signing key (optional)'),
        prompt: t('A name helps you tell keys apart; leave it empty for none.'),
        validateInput: (v) => (v.trim() === '' ? undefined : check(validateSigningKeyName)(v)),
      }),
    ).trim();
    const client = project.projects.client(project.project.id);
    const before = new Set(valid(await withProgress(t('Loading signing keys…'), () => project.load('keys'))).map((k) => k.id));
    const sentAt = new Date();
    const created = await createOrReconcile(
      t('Creating a signing key… (its reply carries the private key, so it cannot be cancelled)'),
      // As the reference shows: the target alone. The name follows with a PUT.
      () => api.createSigningKey(client, target),
      async () => {
        const orphans = newSigningKeys(valid(await api.listSigningKeys(client)), before, target, sentAt).map((k) => k.id);
        return orphans.length ? t('signing key {0} exists, but its private key was lost with the reply. Delete that key and create a new one', orphans.join(', ')) : undefined;
      },
    );
    s.explorer.reload(project, ['keys']);
    if (!created) return;
    // From here on the private key must not be lost: keep() never throws. It is kept before the name is sent.
    await s.privateKeys.keep(project.project.id, name ? { ...created, name } : created);
    if (!name || created.problem) return;
    try {
      await withProgress(t('Naming the signing key {0}…', name), (signal) => api.renameSigningKey(client, created.id, name, signal));
    } catch (error) {
      void ui().notify(
        'signingKeyNameFailed',
        'warning',
        t('Signing key {0} was created and its private key kept, but naming it failed: {1} Rename it from its row.', created.id, error instanceof Error ? error.message : String(error)),
      );
    }
    s.explorer.reload(project, ['keys']);
  });

  register('renameSigningKey', t('Rename signing key'), async (node) => {
    const [target] = await pickKeys(node, undefined);
    const key = target!.key;
    const name = answered(
      await ui().input({ id: 'signingKeyName', title: t('Rename signing key {0}', key.name ?? key.id), value: key.name ?? '', validateInput: check(validateSigningKeyName) }),
    );
    const project = target!.project;
    const renamed = await withProgress(t('Renaming the signing key…'), (signal) => api.renameSigningKey(project.projects.client(project.project.id), key.id, name, signal));
    project.replaceCached('keys', renamed);
    s.explorer.redraw(project, ['keys', 'buckets']);
  });

  register('deleteSigningKey', t('Delete signing key'), async (node, nodes) => {
    const targets = await pickKeys(node, nodes);
    const names = targets.map((k) => `${k.key.name ?? t('(unnamed)')} — ${signingKeyTarget(k.key, k.domains)}`);
    await confirm(
      'deleteSigningKey',
      targets.length === 1 ? t('Delete signing key {0}?', targets[0]!.key.name ?? targets[0]!.key.id) : t('Delete {0} signing keys?', targets.length),
      t('{0}\n\nTokens signed with it stop working. This cannot be undone.', names.join('\n')),
      t('Delete'),
    );
    await deleteEach(targets, (k, signal) => api.deleteSigningKey(k.project.projects.client(k.project.project.id), k.key.id, signal), (k) => k.key.name ?? k.key.id);
    for (const project of new Set(targets.map((k) => k.project))) s.explorer.reload(project, ['keys']);
  });

  // ---- buckets ----
  register('addBucket', t('Add bucket'), async (node) => {
    const project = await pickProject(node);
    const known = (await s.explorer.getChildren(project.groups.buckets)).filter((n): n is BucketNode => n instanceof BucketNode).map((b) => b.name);
    const name = answered(
      await ui().input({
        id: 'bucketName',
        title: t('Add a bucket to {0}', project.project.name),
        prompt: t('The name of a media-storage bucket. The API cannot list buckets, so add the ones you work with.'),
        validateInput: (v) => check(validateBucketName)(v) ?? (known.includes(v.trim()) ? t('{0} is in the list already.', v.trim()) : undefined),
      }),
    ).trim();
    await project.projects.updateBuckets(project.project.id, (m) => ({ ...m, added: [...m.added, name] }));
    s.explorer.redraw(project, ['buckets']);
  });

  register('removeBucket', t('Remove bucket from list'), async (node) => {
    if (!(node instanceof BucketNode) || !node.addedByUser) return;
    await node.project.projects.updateBuckets(node.project.project.id, (m) => ({ ...m, added: m.added.filter((b) => b !== node.name) }));
    s.explorer.redraw(node.project, ['buckets']);
  });

  register('setAccessPolicy', t('Set bucket access policy'), async (node) => {
    const { project, bucket } = await pickBucket(node);
    const policy = answered(
      await ui().pick(
        [
          { label: t('Public'), description: 'public', detail: t('Anyone with an object\'s URL can play it (the default).'), policy: 'public' as AccessPolicy },
          { label: t('Authenticated'), description: 'authenticated', detail: t('Every request needs a token signed with one of the bucket\'s signing keys.'), policy: 'authenticated' as AccessPolicy },
        ],
        { id: 'accessPolicy', title: t('Access policy for bucket {0}', bucket) },
      ),
    ).policy;
    if (!ACCESS_POLICIES.includes(policy)) return;
    if (policy === 'authenticated') {
      await confirm(
        'authenticatedPolicy',
        t('Make bucket {0} authenticated?', bucket),
        t('Public URLs of its objects stop working at once: players must send a token signed with a signing key of this bucket.'),
        t('Make Authenticated'),
      );
    } else {
      await confirm(
        'publicPolicy',
        t('Make bucket {0} public?', bucket),
        t('Every object in it can then be played by anyone who has its URL, with no token. Signed URLs keep working.'),
        t('Make Public'),
      );
    }
    await withProgress(t('Setting the access policy of {0}…', bucket), (signal) => api.setBucketPolicy(project.projects.client(project.project.id), bucket, policy, signal));
    await project.projects.updateBuckets(project.project.id, (m) => ({ ...m, policies: { ...m.policies, [bucket]: { policy, at: formatWhen(new Date()) } } }));
    s.explorer.redraw(project, ['buckets']);
    void notifyDone(t('Bucket {0} is now {1}.', bucket, policy));
  });

  register('showCors', t('Show CORS policy'), async (node) => {
    const { project, bucket } = await pickBucket(node);
    const cors = await withProgress(t('Getting the CORS policy of {0}…', bucket), (signal) => api.getCors(project.projects.client(project.project.id), bucket, signal));
    await s.details.show(project.project.name, `cors ${bucket}`, cors);
  });

  register('editCors', t('Edit CORS policy'), async (node) => {
    const { project, bucket } = await pickBucket(node);
    const doc = await vscode.workspace.openTextDocument(corsUri(project.project.id, bucket));
    await vscode.window.showTextDocument(doc, { preview: false });
  });

  register('compareCors', t('Compare CORS policy with remote'), async (node) => {
    // A bucket's row compares that bucket; the editor title button compares its document.
    let uri = node instanceof vscode.Uri ? node : node === undefined ? vscode.window.activeTextEditor?.document.uri : undefined;
    if (!uri || uri.scheme !== CORS_SCHEME) {
      const { project, bucket } = await pickBucket(node);
      uri = corsUri(project.project.id, bucket);
    }
    await s.cors.compareWithRemote(uri);
  });

  /** Deletes one by one; an item already gone (404) is not an error. Reports what failed. */
  async function deleteEach<T>(items: T[], remove: (item: T, signal: AbortSignal) => Promise<void>, label: (item: T) => string): Promise<void> {
    const gone: string[] = [];
    const failed: string[] = [];
    await withProgress(items.length === 1 ? t('Deleting {0}…', label(items[0]!)) : t('Deleting {0} items…', items.length), async (signal) => {
      for (const item of items) {
        try {
          await remove(item, signal);
        } catch (error) {
          if (isQencodeError(error, 'http') && error.status === 404) gone.push(label(item));
          else if (isQencodeError(error, 'cancelled')) throw error;
          else if (items.length === 1) throw error;
          else failed.push(`${label(item)}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    });
    if (gone.length) void ui().notify('alreadyGone', 'info', t('Already deleted elsewhere: {0}.', gone.join(', ')));
    if (failed.length) throw new Error(t('{0} of {1} could not be deleted: {2}', failed.length, items.length, failed.join('; ')));
  }
}

export function tlsJson(sub: TlsSubscription, domain: Domain | undefined, message: string | undefined): Record<string, unknown> {
  return { id: sub.id, status: sub.status, domain_id: sub.domainId, domain_name: domain?.name, created: isoOrNull(sub.created), message };
}

export function signingKeyJson(k: SigningKey, domains: Map<string, Domain>): Record<string, unknown> {
  const target =
    k.target.kind === 'stream' ? { stream_id: k.target.streamId } : k.target.kind === 'domain' ? { domain_id: k.target.domainId } : k.target.kind === 'bucket' ? { bucket_name: k.target.bucketName } : {};
  return { id: k.id, name: k.name, signs_for: signingKeyTarget(k, domains), ...target, created: isoOrNull(k.created) };
}

export function domainJson(d: Domain): Record<string, unknown> {
  return { id: d.id, domain_name: d.name, type: d.type, ...(d.type === 'vod' ? { bucket_name: d.bucketName ?? null } : {}), created: isoOrNull(d.created) };
}

/** "Create a CNAME for 'x' and point it to 'y'." → { name: x, target: y }. */
export function parseCname(message: string | undefined): { name: string; target: string } | undefined {
  const m = /CNAME for '([^']+)' and point it to '([^']+)'/.exec(message ?? '');
  return m ? { name: m[1]!, target: m[2]! } : undefined;
}
