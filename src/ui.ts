import * as vscode from 'vscode';
import { plainText } from './core';

/**
 * Every prompt the extension shows goes through here. Each has a stable `id`, so
 * the integration tests can answer prompts by name and fail at once on a prompt
 * they did not expect, instead of hanging on a real dialog.
 */
export interface PickOptions extends vscode.QuickPickOptions {
  id: string;
}
export interface InputOptions extends vscode.InputBoxOptions {
  id: string;
  /**
   * Run when the user presses Enter, with the box still open and busy: a message
   * returned (a key refused, say) shows under the box, which stays open with the value,
   * so the user can correct it or press Escape. Undefined accepts the value.
   */
  accept?: (value: string) => Promise<string | undefined>;
}

export interface Ui {
  pick<T extends vscode.QuickPickItem>(items: readonly T[], options: PickOptions): Promise<T | undefined>;
  input(options: InputOptions): Promise<string | undefined>;
  /** A modal warning with one confirming action; resolves true only when it is chosen. */
  confirm(id: string, message: string, detail: string, action: string): Promise<boolean>;
  /** A modal warning with several actions; resolves to the chosen one, or undefined when dismissed. */
  ask(id: string, message: string, detail: string, ...actions: string[]): Promise<string | undefined>;
  /** A non-modal message with optional actions; resolves to the chosen action. */
  notify(
    id: string,
    severity: 'info' | 'warning' | 'error',
    message: string,
    ...actions: string[]
  ): Promise<string | undefined>;
  saveDialog(id: string, options: vscode.SaveDialogOptions): Promise<vscode.Uri | undefined>;
  openDialog(id: string, options: vscode.OpenDialogOptions): Promise<vscode.Uri | undefined>;
  /**
   * A progress notification; cancelling aborts the signal, and so the requests.
   * `cancellable: false` for work whose reply must not be abandoned once sent (a create).
   */
  progress<T>(
    title: string,
    work: (report: (message: string, increment?: number) => void, signal: AbortSignal) => Promise<T>,
    options?: { cancellable?: boolean },
  ): Promise<T>;
  /** Loading a list: the view's own progress bar, not a notification (nothing to cancel). */
  loading<T>(title: string, work: () => Promise<T>): Promise<T>;
}

export const vscodeUi: Ui = {
  async pick(items, options) {
    return vscode.window.showQuickPick(items, { ignoreFocusOut: true, ...options });
  },
  async input(options) {
    const { accept } = options;
    if (!accept) return vscode.window.showInputBox({ ignoreFocusOut: true, ...options });
    return new Promise<string | undefined>((resolve) => {
      const box = vscode.window.createInputBox();
      Object.assign(box, {
        title: options.title,
        prompt: options.prompt,
        placeholder: options.placeHolder,
        password: !!options.password,
        value: options.value ?? '',
        ignoreFocusOut: true,
      });
      let accepted = false;
      const validate = async (value: string) => (await options.validateInput?.(value)) ?? undefined;
      box.onDidChangeValue(async (value) => (box.validationMessage = await validate(value)));
      box.onDidAccept(async () => {
        const value = box.value;
        if (await validate(value)) return;
        box.busy = true;
        box.enabled = false;
        let problem: string | undefined;
        try {
          problem = await accept(value);
        } catch (error) {
          problem = error instanceof Error ? error.message : String(error);
        }
        // Enabled again before it is hidden: the workbench's one quick input widget keeps the state for the next user.
        box.busy = false;
        box.enabled = true;
        if (problem) {
          box.validationMessage = { message: problem, severity: vscode.InputBoxValidationSeverity.Error };
          return;
        }
        accepted = true;
        resolve(value);
        box.hide();
      });
      box.onDidHide(() => {
        if (!accepted) resolve(undefined);
        box.dispose();
      });
      box.show();
    });
  },
  async confirm(_id, message, detail, action) {
    return (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;
  },
  async ask(_id, message, detail, ...actions) {
    return vscode.window.showWarningMessage(message, { modal: true, detail }, ...actions);
  },
  async notify(_id, severity, message, ...actions) {
    const show =
      severity === 'error'
        ? vscode.window.showErrorMessage
        : severity === 'warning'
          ? vscode.window.showWarningMessage
          : vscode.window.showInformationMessage;
    return show(message, ...actions);
  },
  async saveDialog(_id, options) {
    return vscode.window.showSaveDialog(options);
  },
  async openDialog(_id, options) {
    return (await vscode.window.showOpenDialog({ ...options, canSelectMany: false }))?.[0];
  },
  progress(title, work, options) {
    return Promise.resolve(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title, cancellable: options?.cancellable ?? true },
        (progress, token) => {
          const controller = new AbortController();
          const subscription = token.onCancellationRequested(() => controller.abort());
          return work((message, increment) => progress.report({ message, increment }), controller.signal).finally(() =>
            subscription.dispose(),
          );
        },
      ),
    );
  },
  loading(title, work) {
    return Promise.resolve(vscode.window.withProgress({ location: { viewId: EXPLORER_VIEW }, title }, () => work()));
  },
};

export const EXPLORER_VIEW = 'qencodeCdn.explorer';

/**
 * The one prompt seam for text: every text a prompt shows (a notification, a modal, a
 * progress title and its messages, a quick pick's items, an input's prompt) passes
 * through `redact` (server messages may quote a key or a token) and then `plainText`
 * (no link, no icon, no invisible control can form from text we did not write; long
 * text is cut), whichever Ui is in place. Our own icons in picks are `iconPath`s, so
 * nothing of ours is lost.
 */
export function plainTextUi(inner: () => Ui, redact: (text: string) => string): Ui {
  // Cut before redaction (with room for a secret that crosses the cut, such as a PEM block), redacted, then plain.
  const cut = (text: string, max: number) => (text.length > max + 8192 ? text.slice(0, max + 8192) : text);
  const line = (text: string) => plainText(redact(cut(text, 2000)), { max: 2000 });
  const block = (text: string) => plainText(redact(cut(text, 6000)), { multiline: true, max: 6000 });
  const optional = (text: string | undefined) => (text === undefined ? undefined : line(text));
  return {
    async pick(items, options) {
      // Copies with plain text; the caller gets back its own item (it may compare identities).
      const originals = new Map<vscode.QuickPickItem, (typeof items)[number]>();
      const shown = items.map((item) => {
        const copy = {
          ...item,
          label: line(item.label),
          ...(item.description !== undefined ? { description: line(item.description) } : {}),
          ...(item.detail !== undefined ? { detail: line(item.detail) } : {}),
        };
        originals.set(copy, item);
        return copy;
      });
      const chosen = await inner().pick(shown, {
        ...options,
        ...(options.title !== undefined ? { title: line(options.title) } : {}),
        ...(options.placeHolder !== undefined ? { placeHolder: line(options.placeHolder) } : {}),
      });
      return chosen === undefined ? undefined : originals.get(chosen);
    },
    input: (options) =>
      inner().input({
        ...options,
        ...(options.title !== undefined ? { title: line(options.title) } : {}),
        ...(options.prompt !== undefined ? { prompt: line(options.prompt) } : {}),
        ...(options.validateInput
          ? {
              validateInput: async (value: string) =>
                optional((await options.validateInput!(value)) as string | undefined),
            }
          : {}),
        ...(options.accept ? { accept: async (value: string) => optional(await options.accept!(value)) } : {}),
      }),
    confirm: (id, message, detail, action) => inner().confirm(id, line(message), block(detail), action),
    ask: (id, message, detail, ...actions) => inner().ask(id, line(message), block(detail), ...actions),
    notify: (id, severity, message, ...actions) => inner().notify(id, severity, line(message), ...actions),
    saveDialog: (id, options) => inner().saveDialog(id, options),
    openDialog: (id, options) => inner().openDialog(id, options),
    progress: (title, work, options) =>
      inner().progress(
        line(title),
        (report, signal) => work((message, increment) => report(line(message), increment), signal),
        options,
      ),
    loading: (title, work) => inner().loading(line(title), work),
  };
}
