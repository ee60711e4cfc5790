import * as vscode from 'vscode';
import type { KeyWindow } from './resources/keys/private-keys';
import type { FocusSource } from './resources/tls/watch';
import type { Services } from './services';
import type { Ui } from './ui';

/**
 * What activate() returns in ExtensionMode.Test only. Whatever activate() returns
 * is readable by every installed extension, so outside the test host it returns
 * nothing; this object is never built there.
 */
export interface TestSurface extends Pick<
  Services,
  | 'explorer'
  | 'projects'
  | 'clients'
  | 'purgeHistory'
  | 'tlsInstructions'
  | 'bucketMemory'
  | 'data'
  | 'privateKeys'
  | 'dns'
  | 'tlsWatch'
  | 'treeView'
  // The output channel: its recent lines are what tests scan for secrets.
  | 'log'
> {
  /** How long activate() took, measured by itself (the benchmark reads it). */
  activateMs: number;
  /** Where the extension's state and logs live (the canary scan reads them). */
  storage: {
    globalState: vscode.Memento;
    workspaceState: vscode.Memento;
    globalStorageUri: vscode.Uri;
    logUri: vscode.Uri;
  };
  /** The extension's SecretStorage, which other windows share. */
  secrets: vscode.SecretStorage;
  /** The window focus, folders, status bar and secret reads the tests steer and read. */
  controls: TestControls;
  /** Replaces the prompt seam (tests answer prompts by id); undefined restores the real one. */
  setUi(ui: Ui | undefined): void;
}

/** The window's focus as the test host sets it: unfocused until a test says otherwise. */
export class ControlledFocus implements FocusSource {
  private focusedNow = false;
  private readonly listeners = new Set<() => void>();
  focused = (): boolean => this.focusedNow;
  onDidChange = (listener: () => void): vscode.Disposable => {
    this.listeners.add(listener);
    return new vscode.Disposable(() => this.listeners.delete(listener));
  };
  set(focused: boolean): void {
    this.focusedNow = focused;
    for (const l of [...this.listeners]) l();
  }
}

/**
 * What the test host steers, made only in ExtensionMode.Test and given to the services
 * that take it in their constructors: no production object carries a test hook.
 */
export class TestControls {
  /** The window's focus, as the TLS watch reads it. */
  readonly focus = new ControlledFocus();
  /** A TLS watch schedule fast enough for a test: 150 ms doubling to 600 ms. */
  readonly watchSchedule = { firstMs: 150, maxMs: 600 };
  /** The window as the private-key store sees it: a test makes it one with no folder, or in Restricted Mode. */
  readonly window: KeyWindow = {
    folders: () => vscode.workspace.workspaceFolders,
    trusted: () => vscode.workspace.isTrusted,
  };
  /** The TLS watch's status bar item, which records whether it is shown. */
  readonly tlsStatusBar: vscode.StatusBarItem;
  private tlsStatusShown = false;
  /** A SecretStorage that counts reads, and can run a test's step inside one. */
  readonly secrets: vscode.SecretStorage;
  private reads = 0;
  private readHook: ((key: string) => Promise<void>) | undefined;

  constructor(secrets: vscode.SecretStorage) {
    this.secrets = {
      get: async (key) => {
        this.reads++;
        const value = await secrets.get(key);
        await this.readHook?.(key);
        return value;
      },
      store: (key, value) => secrets.store(key, value),
      delete: (key) => secrets.delete(key),
      onDidChange: secrets.onDidChange,
    };
    const item = vscode.window.createStatusBarItem('qencodeCdn.tlsWatch', vscode.StatusBarAlignment.Left, 50);
    const [show, hide] = [item.show.bind(item), item.hide.bind(item)];
    item.show = () => {
      this.tlsStatusShown = true;
      show();
    };
    item.hide = () => {
      this.tlsStatusShown = false;
      hide();
    };
    this.tlsStatusBar = item;
  }

  /** SecretStorage reads so far: activation must cause none. */
  secretReads(): number {
    return this.reads;
  }

  /** Runs before each SecretStorage read finishes (a test changes a setting in the middle of one). */
  onSecretRead(hook: ((key: string) => Promise<void>) | undefined): void {
    this.readHook = hook;
  }

  /** What the TLS watch's status bar item shows, or undefined while it is hidden. */
  tlsStatus(): string | undefined {
    return this.tlsStatusShown ? this.tlsStatusBar.text : undefined;
  }
}
