import * as vscode from 'vscode';
import type { BucketMemories, DataLayer } from './data';
import type { Explorer } from './explorer/explorer';
import type { Log } from './log';
import type { PrivateKeys } from './resources/keys/private-keys';
import type { Clients } from './resources/projects/clients';
import type { Projects } from './resources/projects/store';
import type { PurgeHistory } from './resources/purge/history';
import type { DnsChecks } from './resources/tls/dns';
import type { TlsInstructions } from './resources/tls/instructions';
import type { TlsWatch } from './resources/tls/watch';
import type { Ui } from './ui';

/**
 * What activate() returns in ExtensionMode.Test only. Whatever activate() returns
 * is readable by every installed extension, so outside the test host it returns
 * nothing; this object is never built there.
 */
export interface TestSurface {
  /** How long activate() took, measured by itself (the benchmark reads it). */
  activateMs: number;
  explorer: Explorer;
  projects: Projects;
  clients: Clients;
  purgeHistory: PurgeHistory;
  tlsInstructions: TlsInstructions;
  bucketMemory: BucketMemories;
  data: DataLayer;
  privateKeys: PrivateKeys;
  dns: DnsChecks;
  tlsWatch: TlsWatch;
  treeView: vscode.TreeView<unknown>;
  /** The output channel (its recent lines are what tests scan for secrets). */
  log: Log;
  /** Where the extension's state and logs live (the canary scan reads them). */
  storage: {
    globalState: vscode.Memento;
    workspaceState: vscode.Memento;
    globalStorageUri: vscode.Uri;
    logUri: vscode.Uri;
  };
  /** The extension's SecretStorage, which other windows share. */
  secrets: vscode.SecretStorage;
  /** SecretStorage reads so far, counted by the wrapper below: activation must cause none. */
  secretReads(): number;
  /** Runs before each SecretStorage read finishes (a test changes a setting in the middle of one). */
  onSecretRead(hook: ((key: string) => Promise<void>) | undefined): void;
  /** Replaces the prompt seam (tests answer prompts by id); undefined restores the real one. */
  setUi(ui: Ui | undefined): void;
}

/** A SecretStorage that counts reads, and can run a test's step inside one; only the test host gets one. */
export function countingSecrets(secrets: vscode.SecretStorage): {
  secrets: vscode.SecretStorage;
  reads: () => number;
  onRead: (hook: ((key: string) => Promise<void>) | undefined) => void;
} {
  let reads = 0;
  let hook: ((key: string) => Promise<void>) | undefined;
  const counted: vscode.SecretStorage = {
    get: async (key) => {
      reads++;
      const value = await secrets.get(key);
      await hook?.(key);
      return value;
    },
    store: (key, value) => secrets.store(key, value),
    delete: (key) => secrets.delete(key),
    onDidChange: secrets.onDidChange,
  };
  return { secrets: counted, reads: () => reads, onRead: (h) => (hook = h) };
}
