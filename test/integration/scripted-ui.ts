import type * as vscode from 'vscode';
import type { InputOptions, PickOptions, Ui } from '../../src/ui';

type PickAnswer = string | ((items: readonly vscode.QuickPickItem[]) => vscode.QuickPickItem | undefined);
type Answer = { id: string; value: unknown };

export const CANCEL = Symbol('cancel');

/**
 * The prompt seam for tests: prompts are answered in order, by id. A prompt the
 * test did not expect fails at once (recorded, and the command rejects) rather than
 * hanging on a dialog nobody will answer.
 */
export class ScriptedUi implements Ui {
  /** Every text shown to the user by any instance during the run: the canary scan reads it. */
  static readonly shown: string[] = [];
  private readonly queue: Answer[] = [];
  readonly unexpected: string[] = [];
  readonly notifications: { id: string; severity: string; message: string; actions: string[] }[] = [];
  /** Messages an input's validator gave for a scripted answer; such an answer counts as dismissed. */
  readonly validationMessages: { id: string; message: string }[] = [];
  /** Answers for notifications by id (optional: an unanswered notification is simply dismissed). */
  readonly notifyAnswers = new Map<string, string>();

  pickAnswer(id: string, answer: PickAnswer | typeof CANCEL): this {
    this.queue.push({ id, value: answer });
    return this;
  }

  inputAnswer(id: string, answer: string | typeof CANCEL): this {
    this.queue.push({ id, value: answer });
    return this;
  }

  confirmAnswer(id: string, answer: boolean): this {
    this.queue.push({ id, value: answer });
    return this;
  }

  askAnswer(id: string, action: string | typeof CANCEL): this {
    this.queue.push({ id, value: action });
    return this;
  }

  saveAnswer(id: string, answer: vscode.Uri | typeof CANCEL): this {
    this.queue.push({ id, value: answer });
    return this;
  }

  get pending(): string[] {
    return this.queue.map((a) => a.id);
  }

  private take(id: string): unknown {
    const next = this.queue[0];
    if (!next || next.id !== id) {
      this.unexpected.push(id);
      throw new Error(`unexpected prompt "${id}" (expected ${next ? `"${next.id}"` : 'none'})`);
    }
    this.queue.shift();
    return next.value;
  }

  /** Called with each pick's options as it is shown (its title and placeholder are what a person reads). */
  onPick?: (options: PickOptions) => void;

  async pick<T extends vscode.QuickPickItem>(items: readonly T[], options: PickOptions): Promise<T | undefined> {
    this.onPick?.(options);
    const answer = this.take(options.id) as PickAnswer | typeof CANCEL;
    if (answer === CANCEL) return undefined;
    const found =
      typeof answer === 'function' ? answer(items) : items.find((i) => i.label === answer || i.description === answer);
    if (!found) {
      this.unexpected.push(`${options.id}: no item ${String(answer)} among ${items.map((i) => i.label).join(', ')}`);
      throw new Error(`no item "${String(answer)}" in pick "${options.id}"`);
    }
    return found as T;
  }

  /** Called with each input's options as it is shown (its prompt is what a person reads). */
  onInput?: (options: InputOptions) => void;

  async input(options: InputOptions): Promise<string | undefined> {
    this.onInput?.(options);
    for (;;) {
      const answer = this.take(options.id) as string | typeof CANCEL;
      if (answer === CANCEL) return undefined;
      const message = (await options.validateInput?.(answer)) ?? (await options.accept?.(answer));
      if (!message) return answer;
      this.validationMessages.push({
        id: options.id,
        message: typeof message === 'string' ? message : message.message,
      });
      ScriptedUi.shown.push(typeof message === 'string' ? message : message.message);
      // The box stays open under its message: the next answer for it is typed in the same box, else it is dismissed.
      if (!options.accept || this.queue[0]?.id !== options.id) return undefined;
    }
  }

  /** Every confirmation shown, with its words. */
  readonly confirms: { id: string; message: string; detail: string; action: string }[] = [];

  async confirm(id: string, message: string, detail: string, action: string): Promise<boolean> {
    this.confirms.push({ id, message, detail, action });
    ScriptedUi.shown.push(message, detail, action);
    return this.take(id) as boolean;
  }

  /** Every modal question shown, with its words and its actions. */
  readonly asks: { id: string; message: string; detail: string; actions: string[] }[] = [];

  async ask(id: string, message: string, detail: string, ...actions: string[]): Promise<string | undefined> {
    this.asks.push({ id, message, detail, actions });
    ScriptedUi.shown.push(message, detail, ...actions);
    const answer = this.take(id) as string | typeof CANCEL;
    return answer === CANCEL ? undefined : answer;
  }

  /** Notifications (by id) that stay open: their promise never settles, as when nobody closes them. */
  readonly heldOpen = new Set<string>();

  async notify(
    id: string,
    severity: 'info' | 'warning' | 'error',
    message: string,
    ...actions: string[]
  ): Promise<string | undefined> {
    this.notifications.push({ id, severity, message, actions });
    ScriptedUi.shown.push(message, ...actions);
    if (this.heldOpen.has(id)) return new Promise<string | undefined>(() => undefined);
    return this.notifyAnswers.get(id);
  }

  /** Every save dialog shown, with its options. */
  readonly saveDialogs: { id: string; options: vscode.SaveDialogOptions }[] = [];

  async saveDialog(id: string, options: vscode.SaveDialogOptions): Promise<vscode.Uri | undefined> {
    this.saveDialogs.push({ id, options });
    const answer = this.take(id) as vscode.Uri | typeof CANCEL;
    return answer === CANCEL ? undefined : answer;
  }

  async openDialog(id: string): Promise<vscode.Uri | undefined> {
    const answer = this.take(id) as vscode.Uri | typeof CANCEL;
    return answer === CANCEL ? undefined : answer;
  }

  openAnswer(id: string, answer: vscode.Uri | typeof CANCEL): this {
    this.queue.push({ id, value: answer });
    return this;
  }

  readonly progressTitles: string[] = [];
  /** Each progress shown: its title and whether it offered a Cancel button. */
  readonly progresses: { title: string; cancellable: boolean }[] = [];
  /** Called on every progress report with a function that cancels, as the Cancel button would. */
  onProgress?: (message: string, cancel: () => void) => void;
  /**
   * Called when a progress starts, with a function that aborts its signal. It aborts
   * even a progress shown without a Cancel button: the worst case, for tests that
   * prove such work does not depend on the button being absent.
   */
  onProgressStart?: (title: string, cancel: () => void) => void;

  async progress<T>(
    title: string,
    work: (report: (message: string, increment?: number) => void, signal: AbortSignal) => Promise<T>,
    options?: { cancellable?: boolean },
  ): Promise<T> {
    this.progressTitles.push(title);
    this.progresses.push({ title, cancellable: options?.cancellable ?? true });
    ScriptedUi.shown.push(title);
    const controller = new AbortController();
    this.onProgressStart?.(title, () => controller.abort());
    return work((message) => this.onProgress?.(message, () => controller.abort()), controller.signal);
  }

  /** Lists loaded under the view's progress bar. */
  readonly loadingTitles: string[] = [];

  async loading<T>(title: string, work: () => Promise<T>): Promise<T> {
    this.loadingTitles.push(title);
    return work();
  }

  errors(): string[] {
    return this.notifications.filter((n) => n.severity === 'error').map((n) => n.message);
  }
}
