import * as vscode from 'vscode';
import {
  checkBaseUrl,
  DEFAULT_TOKEN_FALLBACK_URL,
  errorMessage,
  QencodeClient,
  type ProxySettings,
  type StoredToken,
} from '../../core';
import type { Log } from '../../log';
import type { Ui } from '../../ui';
import type { CheckedKey, Projects } from './store';

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

/** Qencode's own hosts: the API's, and the host of the reference's token example. */
const QENCODE_ORIGINS = ['https://api-cdn.qencode.com', new URL(DEFAULT_TOKEN_FALLBACK_URL).origin];

/** Where a client sends the key and its tokens: read from the settings once, for the client's whole life. */
interface ClientSettings {
  baseUrl: string;
  tokenFallbackUrl?: string;
  /** The origins the key goes to: the API's, and the token fallback's. */
  origins: string[];
}

/** A key that was checked: its first token (bound to the API origin) and the origins it was sent to. */
export type VerifiedKey = Required<CheckedKey>;

const CLIENT_SETTINGS = [
  'qencodeCdn.apiUrl',
  'qencodeCdn.tokenFallbackUrl',
  'http.proxy',
  'http.noProxy',
  'http.proxyStrictSSL',
];

/**
 * One API client per project, its access tokens and where its key may go. A key is
 * sent only to origins the user agreed to: those it was checked with, Qencode's own,
 * or one confirmed in a modal naming it; checked when the key is about to be sent,
 * against the client's own settings (read once, when it is made). A kept token goes
 * only to the origin it was issued for.
 */
export class Clients implements vscode.Disposable {
  private readonly clients = new Map<string, QencodeClient>();
  /** One confirmation at a time per project and origins, however many lists load at once. */
  private readonly confirming = new Map<string, Promise<void>>();
  private readonly readying = new Map<string, Promise<QencodeClient>>();
  private readonly settingsChanged = new vscode.EventEmitter<void>();
  /** The API URL, the token host or a proxy setting changed: every client is made again. */
  readonly onDidChangeSettings = this.settingsChanged.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly projects: Projects,
    private readonly log: Log,
    private readonly ui: () => Ui,
  ) {
    this.subscriptions.push(
      projects.onDidChangeKey((projectId) => this.reset(projectId)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!CLIENT_SETTINGS.some((k) => e.affectsConfiguration(k))) return;
        for (const id of [...this.clients.keys()]) this.reset(id);
        this.settingsChanged.fire();
      }),
    );
  }

  apiUrl(): string {
    return vscode.workspace.getConfiguration('qencodeCdn').get<string>('apiUrl', 'https://api-cdn.qencode.com');
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

  /** A project's client; it reads the key from SecretStorage when it needs a token. */
  client(projectId: string, initialToken?: StoredToken, prefetchedKey?: string): QencodeClient {
    let client = this.clients.get(projectId);
    if (!client) {
      let prefetched = prefetchedKey;
      const settings = this.settings();
      client = this.make(
        settings,
        async () => {
          // The key read with the kept token serves the first token request; later ones read it afresh.
          const key = prefetched ?? (await this.projects.apiKey(projectId)) ?? '';
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
      pending = Promise.all([this.projects.keptToken(projectId), this.projects.apiKey(projectId)])
        .then(([token, key]) => this.client(projectId, token, key))
        .finally(() => this.readying.delete(projectId));
      this.readying.set(projectId, pending);
    }
    return pending;
  }

  /**
   * Checks a key by fetching a token with it. Throws the client's error when refused.
   * The token is the project's first: give it to Projects.add or replaceKey, so adding a
   * key makes one token request, not two.
   */
  async verifyApiKey(
    apiKey: string,
    signal?: AbortSignal,
    projectId?: string,
    agreed: readonly string[] = [],
  ): Promise<VerifiedKey> {
    this.log.addSecret(apiKey);
    const settings = this.settings();
    // A new key goes through the same confirmation as every request, checked now, when it is about to be sent:
    // to Qencode's own hosts, the project's, or those the user agreed to in this flow (confirmKeyOrigins).
    const unagreed = settings.origins.filter((o) => !agreed.includes(o));
    if (unagreed.length) await this.confirmOrigins(projectId, unagreed);
    const client = this.make(settings, () => apiKey, projectId);
    try {
      const token = await client.verifyApiKey(signal);
      this.log.addSecret(token.value);
      return { token, origins: settings.origins };
    } finally {
      await client.close();
    }
  }

  /**
   * Before a key is asked for (Add, Replace): where it will go, confirmed now if that is
   * not Qencode's own hosts (or the project's), so the user agrees before typing it.
   * Returns the origins agreed to, for verifyApiKey.
   */
  async confirmKeyOrigins(projectId: string | undefined): Promise<string[]> {
    const { origins } = this.settings();
    // Not remembered for the project yet: the new key is, once checked (Projects.replaceKey). Escape at the key's
    // box must not leave the old key free to go there.
    await this.confirmOrigins(projectId, origins, false);
    return origins;
  }

  private confirmOrigins(projectId: string | undefined, origins: string[], remember = true): Promise<void> {
    const id = `${projectId ?? '(new key)'}\n${origins.join(' ')}\n${remember}`;
    let pending = this.confirming.get(id);
    if (!pending) {
      pending = this.askForOrigins(projectId, origins, remember).finally(() => this.confirming.delete(id));
      this.confirming.set(id, pending);
    }
    return pending;
  }

  /** `projectId` undefined: a key being added, which may go only to Qencode's own hosts unless the user agrees. */
  private async askForOrigins(projectId: string | undefined, origins: string[], remember: boolean): Promise<void> {
    const project = projectId === undefined ? undefined : this.projects.get(projectId);
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
    if (!project || !remember) return; // A new key's origins are recorded with it, once it is checked.
    await this.projects.addOrigins(project.id, [...approved, ...unapproved]);
    this.log.info(`the API key of project ${project.name} may now be sent to ${unapproved.join(', ')} (confirmed)`);
  }

  /** Where a client made now sends the key: the settings read once. */
  private settings(): ClientSettings {
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
    return this.settings().origins;
  }

  /**
   * A client for these settings. `account` names the project, so an error can say whose
   * key failed; a key being added has none. `tokens.keep`: a project's own client keeps
   * each new token in SecretStorage (a key being checked does not). A kept token is given
   * only to a client of the origin it was issued for (the core drops it otherwise too).
   */
  private make(
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
      // Kept with the origin the client that fetched it sends to (never the settings of a later moment).
      ...(account && tokens.keep
        ? { onToken: (token: StoredToken) => void this.projects.keepToken(account, token).catch(() => undefined) }
        : {}),
      onRequest: (e) => this.log.request(e),
      onTokenHost: (url) => this.log.info(`access token served by ${new URL(url).origin}`),
      ...(tokenFallbackUrl ? { tokenFallbackUrl } : {}),
      ...(account ? { account } : {}),
    });
  }

  private reset(projectId: string): void {
    const client = this.clients.get(projectId);
    this.clients.delete(projectId);
    void client?.close();
  }

  dispose(): void {
    for (const client of this.clients.values()) void client.close();
    this.clients.clear();
    this.settingsChanged.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
