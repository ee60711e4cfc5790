import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { StoredToken } from '../../core';
import { storeState } from '../../data/project-state';
import type { Log } from '../../log';

/** A Qencode project: one API key. The key itself lives only in SecretStorage. */
export interface Project {
  id: string;
  name: string;
  /**
   * The origins the user has agreed to send this project's key to: those it was
   * checked with, and any confirmed since. Absent for projects saved before it was
   * kept: then Qencode's own two hosts (clients.ts).
   */
  origins?: string[];
}

/** What checking a key found (clients.ts verifyApiKey): where it was sent, and its first token. The demo's has no token. */
export interface CheckedKey {
  origins: string[];
  token?: StoredToken;
}

const PROJECTS_KEY = 'qencodeCdn.projects';
/** The SecretStorage key that holds a project's API key. */
export const secretKey = (projectId: string) => `qencodeCdn.apiKey.${projectId}`;
/** The SecretStorage key that holds a project's last access token (valid 24 h), so a reload asks for none. */
export const tokenKey = (projectId: string) => `qencodeCdn.token.${projectId}`;

/**
 * Projects and what they keep in SecretStorage: the list in global state, each API key
 * and its last access token in SecretStorage. Reads SecretStorage only when a key is
 * needed, never at activation. Where a key may be sent, and the clients that send it,
 * are clients.ts.
 */
export class Projects implements vscode.Disposable {
  /** Projects whose key was found in, or stored to, SecretStorage here (see hasApiKey). */
  private readonly keyFound = new Set<string>();
  /** Key changes seen from SecretStorage's events (another window's, or a keychain's). */
  private keyChanges = 0;
  private readonly changed = new vscode.EventEmitter<Project | undefined>();
  /** Fires with the project whose key or name changed, or undefined when the list changed. */
  readonly onDidChange = this.changed.event;
  private readonly keyChanged = new vscode.EventEmitter<string>();
  /** Fires with the id of a project whose key changed (here, in another window, or removed): its client is made again. */
  readonly onDidChangeKey = this.keyChanged.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly state: vscode.Memento,
    private readonly log: Log,
  ) {
    // Other windows share the secret store: a key added, replaced or removed there shows here.
    this.subscriptions.push(
      secrets.onDidChange((e) => {
        const project = this.list().find((p) => secretKey(p.id) === e.key);
        if (!project) return;
        this.keyChanges++;
        this.keyFound.delete(project.id);
        this.keyChanged.fire(project.id);
        this.changed.fire(project);
      }),
    );
  }

  /** A change to the list, made on the list as it is when written (another window may have changed it). */
  private async changeList(change: (list: Project[]) => Project[]): Promise<void> {
    await storeState<Project[]>(this.state, PROJECTS_KEY, (list) => change(list ?? []));
  }

  list(): Project[] {
    return this.state.get<Project[]>(PROJECTS_KEY, []);
  }

  get(id: string): Project | undefined {
    return this.list().find((p) => p.id === id);
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
   * A new project, with the check of its key (clients.ts): the origins it was checked with,
   * and its first token, kept before the project is shown so its first lists ask for none.
   */
  async add(name: string, apiKey: string, checked: CheckedKey): Promise<Project> {
    const project: Project = { id: randomUUID(), name, origins: checked.origins };
    await this.secrets.store(secretKey(project.id), apiKey);
    this.keyFound.add(project.id);
    // A token not kept costs one token request later, never the project.
    if (checked.token) await this.keepToken(project.id, checked.token).catch(() => undefined);
    await this.changeList((list) => [...list.filter((p) => p.id !== project.id), project]);
    this.changed.fire(undefined);
    return project;
  }

  /** A new key for a project: its check's origins join those it may go to; its token replaces the old key's. */
  async replaceKey(projectId: string, apiKey: string, checked: CheckedKey): Promise<void> {
    await this.secrets.store(secretKey(projectId), apiKey);
    this.keyFound.add(projectId);
    if (checked.token) await this.keepToken(projectId, checked.token).catch(() => undefined);
    else await this.secrets.delete(tokenKey(projectId));
    await this.addOrigins(projectId, checked.origins);
    this.keyChanged.fire(projectId);
    const project = this.get(projectId);
    if (project) this.changed.fire(project);
  }

  /** The token kept from the last session, with the origin it was issued for; undefined when none or unreadable. */
  async keptToken(projectId: string): Promise<StoredToken | undefined> {
    try {
      const raw = await this.secrets.get(tokenKey(projectId));
      if (!raw) return undefined;
      const kept = JSON.parse(raw) as Partial<StoredToken>;
      if (typeof kept.value !== 'string' || typeof kept.expiresAt !== 'number' || typeof kept.origin !== 'string')
        return undefined;
      this.log.addSecret(kept.value);
      return { value: kept.value, expiresAt: kept.expiresAt, origin: kept.origin };
    } catch {
      return undefined;
    }
  }

  /** Keeps a token with the origin it was issued for (a token without one is not kept). */
  async keepToken(projectId: string, token: StoredToken): Promise<void> {
    this.log.addSecret(token.value);
    if (!token.origin) return;
    const kept: StoredToken = { value: token.value, expiresAt: token.expiresAt, origin: token.origin };
    await this.secrets.store(tokenKey(projectId), JSON.stringify(kept));
  }

  /** Origins a project's key may go to from now on, added to those it had. */
  async addOrigins(projectId: string, origins: string[]): Promise<void> {
    await this.changeList((list) =>
      list.map((p) => (p.id === projectId ? { ...p, origins: [...new Set([...(p.origins ?? []), ...origins])] } : p)),
    );
  }

  async rename(projectId: string, name: string): Promise<void> {
    await this.changeList((list) => list.map((p) => (p.id === projectId ? { ...p, name } : p)));
    this.changed.fire(this.get(projectId));
  }

  /** The project, its key and its kept token leave this machine; what else it kept is forgotten by its owners (removeApiKey). */
  async remove(projectId: string): Promise<void> {
    this.keyFound.delete(projectId);
    await this.secrets.delete(secretKey(projectId));
    await this.secrets.delete(tokenKey(projectId));
    await this.changeList((list) => list.filter((p) => p.id !== projectId));
    this.keyChanged.fire(projectId);
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.changed.dispose();
    this.keyChanged.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
