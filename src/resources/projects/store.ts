import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import {
  checkBaseUrl,
  DEFAULT_TOKEN_FALLBACK_URL,
  errorMessage,
  QencodeClient,
  type ProxySettings,
  type StoredToken,
} from '../../core';
import { EMPTY_BUCKET_MEMORY, type BucketMemory } from '../../data';
import type { Log } from '../../log';
import type { Ui } from '../../ui';

const t = vscode.l10n.t;

/** VS Code's proxy settings, as the client takes them; unset ones fall back to the environment. */
export function proxySettings(): ProxySettings {
  const http = vscode.workspace.getConfiguration('http');
  const url = http.get<string>('proxy', '').trim();
  const noProxy = http.get<string[]>('noProxy', []);
  return {
    ...(url ? { url } : {}),
    ...(noProxy.length ? { noProxy: noProxy.join(',') } : {}),
    strictSSL: http.get<boolean>('proxyStrictSSL', true),
  };
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

export function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

/** A Qencode project: one API key. The key itself lives only in SecretStorage. */
export interface Project {
  id: string;
  name: string;
  /**
   * The origins the user has agreed to send this project's key to: those it was
   * checked with, and any confirmed since. Absent for projects saved before it was
   * kept: then Qencode's own two hosts.
   */
  origins?: string[];
}

/** Qencode's own hosts: the API's, and the host of the reference's token example. */
const QENCODE_ORIGINS = ['https://api-cdn.qencode.com', new URL(DEFAULT_TOKEN_FALLBACK_URL).origin];

/** One purge run, as kept in the per-project history. */
export interface PurgeRun {
  at: string;
  /** Whole-bucket purges have `path: null`. */
  targets: { bucket: string; path: string | null }[];
  /** The run had more targets than the history keeps. */
  truncated?: boolean;
  /** Sent in steps, in order (a stream: objects, playlists, root): the size of each. */
  phases?: number[];
  purged: number;
  failed: number;
  notSent: number;
}

export const PURGE_HISTORY_RUNS = 50;
const PURGE_HISTORY_TARGETS = 1000;

const PROJECTS_KEY = 'qencodeCdn.projects';
const purgeHistoryKey = (projectId: string) => `qencodeCdn.purgeHistory.${projectId}`;
/** The SecretStorage key that holds a project's API key. */
export const secretKey = (projectId: string) => `qencodeCdn.apiKey.${projectId}`;
/** The SecretStorage key that holds a project's last access token (valid 24 h), so a reload asks for none. */
export const tokenKey = (projectId: string) => `qencodeCdn.token.${projectId}`;

/** Where a client sends the key and its tokens: read from the settings once, for the client's whole life. */
interface ClientSettings {
  baseUrl: string;
  tokenFallbackUrl?: string;
  /** The origins the key goes to: the API's, and the token fallback's. */
  origins: string[];
}

/** A key that was checked: its first token (bound to the API origin) and the origins it was sent to. */
export interface VerifiedKey {
  token: StoredToken;
  origins: string[];
}
const bucketsKey = (projectId: string) => `qencodeCdn.buckets.${projectId}`;
const tlsMessagesKey = (projectId: string) => `qencodeCdn.tlsMessages.${projectId}`;

/**
 * Projects, their API keys and one API client per project. Reads SecretStorage
 * only when a key is needed, never at activation.
 */
export class Projects implements vscode.Disposable {
  private readonly clients = new Map<string, QencodeClient>();
  /** Projects whose key was found in, or stored to, SecretStorage here (see hasApiKey). */
  private readonly keyFound = new Set<string>();
  /** Key changes seen from SecretStorage's events (another window's, or a keychain's). */
  private keyChanges = 0;
  private readonly changed = new vscode.EventEmitter<Project | undefined>();
  /** Fires with the project whose key changed, or undefined when the list changed. */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  /** One confirmation at a time per project, however many lists load at once. */
  private readonly confirming = new Map<string, Promise<void>>();
  private readonly readying = new Map<string, Promise<QencodeClient>>();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly state: vscode.Memento,
    private readonly log: Log,
    private readonly ui: () => Ui,
  ) {
    // Other windows share the secret store: a key added, replaced or removed there shows here.
    this.subscriptions.push(
      secrets.onDidChange((e) => {
        const project = this.list().find((p) => secretKey(p.id) === e.key);
        if (project) {
          this.keyChanges++;
          this.keyFound.delete(project.id);
          this.resetClient(project.id, project);
        }
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (
          [
            'qencodeCdn.apiUrl',
            'qencodeCdn.tokenFallbackUrl',
            'http.proxy',
            'http.noProxy',
            'http.proxyStrictSSL',
          ].some((k) => e.affectsConfiguration(k))
        ) {
          for (const id of [...this.clients.keys()]) this.resetClient(id);
          this.changed.fire(undefined);
        }
      }),
    );
  }

  list(): Project[] {
    return this.state.get<Project[]>(PROJECTS_KEY, []);
  }

  get(id: string): Project | undefined {
    return this.list().find((p) => p.id === id);
  }

  apiUrl(): string {
    return vscode.workspace.getConfiguration('qencodeCdn').get<string>('apiUrl', 'https://api-cdn.qencode.com');
  }

  /** A client that reads the key from SecretStorage when it needs a token. */
  client(projectId: string, initialToken?: StoredToken, prefetchedKey?: string): QencodeClient {
    let client = this.clients.get(projectId);
    if (!client) {
      let prefetched = prefetchedKey;
      const settings = this.clientSettings();
      client = this.makeClient(
        settings,
        async () => {
          // The key read with the kept token serves the first token request; later ones read it afresh.
          const key = prefetched ?? (await this.apiKey(projectId)) ?? '';
          prefetched = undefined;
          // Checked against where this client sends it, at the moment it is about to be sent.
          if (key) await this.confirmOrigins(projectId, settings.origins);
          return key;
        },
        projectId,
        { initialToken, keep: true },
      );
      this.clients.set(projectId, client);
    }
    return client;
  }

  /**
   * The client, with the token kept from the last session when it is still valid and
   * was issued for the API URL in use: after a reload the lists go out at once, with
   * no token request. Read on first need, never at activation.
   */
  async readyClient(projectId: string): Promise<QencodeClient> {
    const existing = this.clients.get(projectId);
    if (existing) return existing;
    let pending = this.readying.get(projectId);
    if (!pending) {
      // Both secrets at once: a SecretStorage read is a round trip to the window.
      pending = Promise.all([this.keptToken(projectId), this.apiKey(projectId)])
        .then(([token, key]) => this.client(projectId, token, key))
        .finally(() => this.readying.delete(projectId));
      this.readying.set(projectId, pending);
    }
    return pending;
  }

  private async keptToken(projectId: string): Promise<StoredToken | undefined> {
    try {
      const raw = await this.secrets.get(tokenKey(projectId));
      if (!raw) return undefined;
      const kept = JSON.parse(raw) as Partial<StoredToken>;
      if (typeof kept.value !== 'string' || typeof kept.expiresAt !== 'number' || typeof kept.origin !== 'string')
        return undefined;
      this.log.addSecret(kept.value);
      // Its origin goes with it: the client that gets it sends it only to that origin (checked when the client is made).
      return { value: kept.value, expiresAt: kept.expiresAt, origin: kept.origin };
    } catch {
      return undefined;
    }
  }

  /** Keeps a token with the origin the client that fetched it sends to (never the settings of a later moment). */
  private keepToken(projectId: string, token: StoredToken): void {
    this.log.addSecret(token.value);
    if (!token.origin) return;
    const kept: StoredToken = { value: token.value, expiresAt: token.expiresAt, origin: token.origin };
    void Promise.resolve(this.secrets.store(tokenKey(projectId), JSON.stringify(kept))).catch(() => undefined);
  }

  async apiKey(projectId: string): Promise<string | undefined> {
    const changesBefore = this.keyChanges;
    const key = await this.secrets.get(secretKey(projectId));
    if (key) this.log.addSecret(key);
    // Only a key found is kept: a keychain that answered "none" while locked or starting must
    // not hide the key for the session. A read that a change overtook is not kept either.
    if (key && changesBefore === this.keyChanges) this.keyFound.add(projectId);
    return key;
  }

  /**
   * Whether the project has a key here. Asked each time a project row is expanded or
   * refreshed: a key once found or stored is known (a change in another window clears
   * that), so a refresh does not wait on a SecretStorage round trip before its lists.
   */
  async hasApiKey(projectId: string): Promise<boolean> {
    return this.keyFound.has(projectId) || !!(await this.apiKey(projectId));
  }

  /**
   * Checks a key by fetching a token with it. Throws the client's error when refused.
   * The token is the project's first: give it to add() or replaceKey(), so adding a
   * key makes one token request, not two.
   */
  async verifyApiKey(
    apiKey: string,
    signal?: AbortSignal,
    projectId?: string,
    agreed: readonly string[] = [],
  ): Promise<VerifiedKey> {
    this.log.addSecret(apiKey);
    const settings = this.clientSettings();
    // A new key goes through the same confirmation as every request, checked now, when it is about to be sent:
    // to Qencode's own hosts, the project's, or those the user agreed to in this flow (confirmKeyOrigins).
    const unagreed = settings.origins.filter((o) => !agreed.includes(o));
    if (unagreed.length) await this.confirmOrigins(projectId, unagreed);
    const client = this.makeClient(settings, () => apiKey, projectId);
    try {
      const token = await client.verifyApiKey(signal);
      this.log.addSecret(token.value);
      return { token, origins: settings.origins };
    } finally {
      await client.close();
    }
  }

  /**
   * Where the key is about to go: the API URL, and the token host behind it. A
   * setting can be changed by another extension too (application scope only keeps
   * workspaces out), so a key is never sent to an origin it was not checked with
   * unless the user confirms it.
   */
  /**
   * Before a key is asked for (Add, Replace): where it will go, confirmed now if that is
   * not Qencode's own hosts (or the project's), so the user agrees before typing it.
   * Returns the origins agreed to, for verifyApiKey.
   */
  async confirmKeyOrigins(projectId: string | undefined): Promise<string[]> {
    const { origins } = this.clientSettings();
    await this.confirmOrigins(projectId, origins);
    return origins;
  }

  private confirmOrigins(projectId: string | undefined, origins: string[]): Promise<void> {
    const id = `${projectId ?? '(new key)'}\n${origins.join(' ')}`;
    let pending = this.confirming.get(id);
    if (!pending) {
      pending = this.askForOrigins(projectId, origins).finally(() => this.confirming.delete(id));
      this.confirming.set(id, pending);
    }
    return pending;
  }

  /** `projectId` undefined: a key being added, which may go only to Qencode's own hosts unless the user agrees. */
  private async askForOrigins(projectId: string | undefined, origins: string[]): Promise<void> {
    const project = projectId === undefined ? undefined : this.get(projectId);
    if (projectId !== undefined && !project) throw new Error(t('this project was removed from the editor'));
    const approved = project?.origins ?? QENCODE_ORIGINS;
    const unapproved = origins.filter((o) => !approved.includes(o));
    if (unapproved.length === 0) return;
    const send = t('Send Key');
    const where = unapproved.join(t(' and '));
    const ok = await this.ui().confirm(
      'sendKeyTo',
      project ? t('Send the API key of {0} to {1}?', project.name, where) : t('Send the new API key to {0}?', where),
      project
        ? t(
            "Qencode CDN's API settings now point there. The key was checked with {0}. Settings can be changed by you or by another extension: continue only if you made this change.",
            approved.join(t(' and ')),
          )
        : t(
            "Qencode CDN's API settings point there, not to Qencode ({0}). Settings can be changed by you or by another extension: continue only if you set them, for example to use a local emulator.",
            QENCODE_ORIGINS.join(t(' and ')),
          ),
      send,
    );
    const name = project ? t('the API key of {0}', project.name) : t('the new API key');
    if (!ok)
      throw new Error(
        t(
          '{0} was not sent to {1}: that was not confirmed. Check the settings qencodeCdn.apiUrl and qencodeCdn.tokenFallbackUrl',
          name,
          unapproved.join(', '),
        ),
      );
    if (!project) return; // A new project records the origins it was checked with when it is added.
    await this.setOrigins(project.id, [...approved, ...unapproved]);
    this.log.info(`the API key of project ${project.name} may now be sent to ${unapproved.join(', ')} (confirmed)`);
  }

  /** Where a client made now sends the key: the settings read once. */
  private clientSettings(): ClientSettings {
    const baseUrl = this.apiUrl();
    const tokenFallbackUrl = this.tokenFallbackUrl();
    return {
      baseUrl,
      ...(tokenFallbackUrl ? { tokenFallbackUrl } : {}),
      origins: [originOf(baseUrl), ...(tokenFallbackUrl ? [originOf(tokenFallbackUrl)] : [])],
    };
  }

  /** The origins a key goes to with the current settings. */
  currentOrigins(): string[] {
    return this.clientSettings().origins;
  }

  private async setOrigins(projectId: string, origins: string[]): Promise<void> {
    await this.state.update(
      PROJECTS_KEY,
      this.list().map((p) => (p.id === projectId ? { ...p, origins: [...new Set(origins)] } : p)),
    );
  }

  /** `verified`: the key's check (its first token, and where it was sent); without it (the demo), the current settings' origins. */
  async add(name: string, apiKey: string, verified?: VerifiedKey): Promise<Project> {
    const project: Project = { id: randomUUID(), name, origins: verified?.origins ?? this.currentOrigins() };
    await this.secrets.store(secretKey(project.id), apiKey);
    this.keyFound.add(project.id);
    if (verified) this.keepToken(project.id, verified.token);
    await this.state.update(PROJECTS_KEY, [...this.list(), project]);
    this.changed.fire(undefined);
    return project;
  }

  async replaceKey(projectId: string, apiKey: string, verified?: VerifiedKey): Promise<void> {
    await this.secrets.store(secretKey(projectId), apiKey);
    this.keyFound.add(projectId);
    // The old key's token goes with it.
    if (verified) this.keepToken(projectId, verified.token);
    else await this.secrets.delete(tokenKey(projectId));
    // The new key was checked with these origins (confirmed, where they were new).
    await this.setOrigins(projectId, [
      ...(this.get(projectId)?.origins ?? []),
      ...(verified?.origins ?? this.currentOrigins()),
    ]);
    this.resetClient(projectId, this.get(projectId));
  }

  async rename(projectId: string, name: string): Promise<void> {
    await this.state.update(
      PROJECTS_KEY,
      this.list().map((p) => (p.id === projectId ? { ...p, name } : p)),
    );
    this.changed.fire(this.get(projectId));
  }

  async remove(projectId: string): Promise<void> {
    this.keyFound.delete(projectId);
    await this.secrets.delete(secretKey(projectId));
    await this.secrets.delete(tokenKey(projectId));
    await this.state.update(
      PROJECTS_KEY,
      this.list().filter((p) => p.id !== projectId),
    );
    await this.state.update(bucketsKey(projectId), undefined);
    await this.state.update(tlsMessagesKey(projectId), undefined);
    await this.state.update(purgeHistoryKey(projectId), undefined);
    this.resetClient(projectId);
    this.changed.fire(undefined);
  }

  buckets(projectId: string): BucketMemory {
    return { ...EMPTY_BUCKET_MEMORY, ...this.state.get<BucketMemory>(bucketsKey(projectId)) };
  }

  async updateBuckets(projectId: string, change: (memory: BucketMemory) => BucketMemory): Promise<void> {
    await this.state.update(bucketsKey(projectId), change(this.buckets(projectId)));
  }

  /** The API returns a TLS subscription's CNAME instruction only when it is created, so it is kept here. */
  tlsMessage(projectId: string, tlsId: string): string | undefined {
    // Own keys only: an id such as "__proto__" must not read the prototype.
    const all = this.state.get<Record<string, unknown>>(tlsMessagesKey(projectId), {});
    const message = Object.hasOwn(all, tlsId) ? all[tlsId] : undefined;
    return typeof message === 'string' ? message : undefined;
  }

  tlsMessageCount(projectId: string): number {
    return Object.keys(this.state.get<Record<string, string>>(tlsMessagesKey(projectId), {})).length;
  }

  async rememberTlsMessage(projectId: string, tlsId: string, message: string | undefined): Promise<void> {
    const all = { ...this.state.get<Record<string, string>>(tlsMessagesKey(projectId), {}) };
    if (message) all[tlsId] = message;
    else delete all[tlsId];
    await this.state.update(tlsMessagesKey(projectId), all);
  }

  /** The last purge runs of a project, newest first. */
  purgeHistory(projectId: string): PurgeRun[] {
    return this.state.get<PurgeRun[]>(purgeHistoryKey(projectId), []);
  }

  async recordPurge(projectId: string, run: PurgeRun): Promise<void> {
    const kept =
      run.targets.length > PURGE_HISTORY_TARGETS
        ? { ...run, targets: run.targets.slice(0, PURGE_HISTORY_TARGETS), truncated: true }
        : run;
    await this.state.update(
      purgeHistoryKey(projectId),
      [kept, ...this.purgeHistory(projectId)].slice(0, PURGE_HISTORY_RUNS),
    );
  }

  /**
   * The second host asked for a token when the API URL has no token route. A loopback
   * API URL (the emulator, a test, the demo) never falls back to a host elsewhere.
   */
  tokenFallbackUrl(): string | undefined {
    const fallback = vscode.workspace.getConfiguration('qencodeCdn').get<string>('tokenFallbackUrl', '').trim();
    if (!fallback) return undefined;
    try {
      checkBaseUrl(fallback);
    } catch (error) {
      // A bad second host must not break every project: it is left out, and the log says why.
      this.log.error(`qencodeCdn.tokenFallbackUrl is ignored: ${errorMessage(error)}`);
      return undefined;
    }
    return isLoopback(this.apiUrl()) && !isLoopback(fallback) ? undefined : fallback;
  }

  /**
   * A client for these settings. `account` names the project, so an error can say whose
   * key failed; a key being added has none. `tokens.keep`: a project's own client keeps
   * each new token in SecretStorage (a key being checked does not). A kept token is given
   * only to a client of the origin it was issued for (the core drops it otherwise too).
   */
  private makeClient(
    settings: ClientSettings,
    apiKey: () => string | Promise<string>,
    account?: string,
    tokens: { initialToken?: StoredToken; keep?: boolean } = {},
  ): QencodeClient {
    const initialToken = tokens.initialToken?.origin === originOf(settings.baseUrl) ? tokens.initialToken : undefined;
    const { tokenFallbackUrl } = settings;
    return new QencodeClient({
      baseUrl: settings.baseUrl,
      apiKey,
      proxy: proxySettings(),
      // Every list over one connection where the API offers HTTP/2 (HTTP/1.1 otherwise).
      http2: true,
      ...(initialToken ? { initialToken } : {}),
      ...(account && tokens.keep ? { onToken: (token: StoredToken) => this.keepToken(account, token) } : {}),
      onRequest: (e) => this.log.request(e),
      onTokenHost: (url) => this.log.info(`access token served by ${new URL(url).origin}`),
      ...(tokenFallbackUrl ? { tokenFallbackUrl } : {}),
      ...(account ? { account } : {}),
    });
  }

  private resetClient(projectId: string, notify?: Project): void {
    const client = this.clients.get(projectId);
    this.clients.delete(projectId);
    void client?.close();
    if (notify) this.changed.fire(notify);
  }

  dispose(): void {
    for (const client of this.clients.values()) void client.close();
    this.clients.clear();
    this.changed.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
