import * as vscode from 'vscode';
import { errorMessage, isLostReply, isQencodeError, type Validation } from './core';

export { errorMessage };
import type { Log } from './log';
import type { Ui } from './ui';

const t = vscode.l10n.t;

/*
 * What every command shares: the one wrapper around entry points, prompt helpers,
 * and the two general algorithms, create-or-reconcile and delete-each.
 */

/** Thrown by a prompt the user dismissed: ends a command silently. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/** Resolves a prompt's answer or ends the command silently when it was dismissed. */
export function answered<T>(value: T | undefined): T {
  if (value === undefined) throw new Cancelled();
  return value;
}

/**
 * Not a failure but a hint: the user asked for something that does not apply here
 * (a command on a position with no URL). Shown as information, with no "failed" and no
 * Show Log.
 */
export class Hint extends Error {}

export interface ActionContext {
  log: Log;
  ui: () => Ui;
  /** "Re-enter API Key" after a refused key: the project whose key failed, or Add when the key was being added. */
  reenterApiKey: (projectId: string | undefined) => Promise<void>;
}

export function isCancellation(error: unknown): boolean {
  return error instanceof Cancelled || error instanceof vscode.CancellationError || isQencodeError(error, 'cancelled');
}

/**
 * The one wrapper around every entry point (commands, saves, events): cancelling is
 * silent; every error goes to the output channel, redacted; the user sees one
 * message naming the operation and the cause.
 */
export async function runAction(ctx: ActionContext, name: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (isCancellation(error)) return;
    if (error instanceof Hint) return void ctx.ui().notify('hint', 'info', error.message);
    const message = errorMessage(error);
    ctx.log.error(
      `${name}: ${message}${isQencodeError(error) && error.requestId ? ` [request id ${error.requestId}]` : ''}`,
    );
    const showLog = t('Show Log');
    const reenter = t('Re-enter API Key');
    const actions = isQencodeError(error, 'auth') ? [reenter, showLog] : [showLog];
    // Not awaited: the command finishes while the message stays on screen.
    void ctx
      .ui()
      .notify('error', 'error', isQencodeError(error) ? message : t('{0} failed: {1}', name, message), ...actions)
      .then((choice) => {
        if (choice === showLog) ctx.log.show();
        if (choice === reenter && isQencodeError(error))
          void runAction(ctx, t('Re-enter API key'), () => ctx.reenterApiKey(error.account));
      });
  }
}

/** An InputBox validator from a core validator: the message as the user types, nothing when valid. */
export const check = (validate: (s: string) => Validation<unknown>) => (value: string) => {
  const r = validate(value);
  return r.ok ? undefined : r.message;
};

/** A command may get the clicked node and, with multi-select, all selected nodes. */
export function selection<T>(node: unknown, nodes: unknown, type: abstract new (...args: never[]) => T): T[] {
  const all: unknown[] = Array.isArray(nodes) && nodes.length > 0 ? nodes : node ? [node] : [];
  return all.filter((n): n is T => n instanceof type);
}

/** A cancellable progress notification around work the user started. */
export function withProgress<T>(ui: Ui, title: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return ui.progress(title, (_report, signal) => work(signal));
}

/** A modal confirmation; declining ends the command silently. */
export async function confirm(ui: Ui, id: string, message: string, detail: string, action: string): Promise<void> {
  if (!(await ui.confirm(id, message, detail, action))) throw new Cancelled();
}

/**
 * Runs a create, which is never retried. Once it is sent its reply is awaited
 * whatever the user presses: the reply may carry the only copy of a private key or
 * of the CNAME instructions, so the progress has no Cancel and the request no abort
 * signal (the client's own deadline still applies). When the reply is lost, nobody
 * knows whether it happened, so `find` reads the list again and the user is told
 * which it was. Returns undefined when the create happened but its reply was lost.
 */
export async function createOrReconcile<T>(
  ui: Ui,
  title: string,
  create: () => Promise<T>,
  find: () => Promise<string | undefined>,
): Promise<T | undefined> {
  try {
    return await ui.progress(title, () => create(), { cancellable: false });
  } catch (error) {
    if (!isLostReply(error)) throw error;
    let found: string | undefined;
    try {
      found = await ui.progress(t('Checking whether it happened…'), () => find(), { cancellable: false });
    } catch {
      // Unknown is not "no": the user must look before trying again, or risk a duplicate.
      throw error.with({
        reason: t(
          '{0}; whether it happened could not be checked, so refresh the list before you try again',
          error.reason,
        ),
      });
    }
    if (found === undefined)
      throw error.with({
        reason: t('{0}; a check of the list shows it did not happen, so you can try again', error.reason),
      });
    void ui.notify(
      'reconciled',
      'warning',
      t('{0} The reply was lost, but the check shows it did happen: {1}.', error.message, found),
    );
    return undefined;
  }
}

/** Deletes one by one; an item already gone (404) is not an error. Reports what failed. */
export async function deleteEach<T>(
  ui: Ui,
  items: readonly T[],
  remove: (item: T, signal: AbortSignal) => Promise<void>,
  label: (item: T) => string,
): Promise<void> {
  const gone: string[] = [];
  const failed: string[] = [];
  await withProgress(
    ui,
    items.length === 1 ? t('Deleting {0}…', label(items[0]!)) : t('Deleting {0} items…', items.length),
    async (signal) => {
      for (const item of items) {
        try {
          await remove(item, signal);
        } catch (error) {
          if (isQencodeError(error, 'http') && error.status === 404) gone.push(label(item));
          else if (isQencodeError(error, 'cancelled')) throw error;
          else if (items.length === 1) throw error;
          else failed.push(`${label(item)}: ${errorMessage(error)}`);
        }
      }
    },
  );
  if (gone.length) void ui.notify('alreadyGone', 'info', t('Already deleted elsewhere: {0}.', gone.join(', ')));
  if (failed.length)
    throw new Error(t('{0} of {1} could not be deleted: {2}', failed.length, items.length, failed.join('; ')));
}
