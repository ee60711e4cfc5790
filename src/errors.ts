import * as vscode from 'vscode';
import { isQencodeError } from './core';
import { shown, type Log } from './log';
import type { Ui } from './ui';

const t = vscode.l10n.t;

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

export interface ActionContext {
  log: Log;
  ui: () => Ui;
}

/**
 * The one wrapper around every entry point (commands, saves, events):
 * cancelling is silent; every error goes to the output channel, redacted; the
 * user sees one message naming the operation and the cause.
 */
export async function runAction(ctx: ActionContext, name: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (isCancellation(error)) return;
    const message = errorMessage(error);
    ctx.log.error(`${name}: ${message}${isQencodeError(error) && error.requestId ? ` [request id ${error.requestId}]` : ''}`);
    const showLog = t('Show Log');
    const reenter = t('Re-enter API Key');
    const actions = isQencodeError(error, 'auth') ? [reenter, showLog] : [showLog];
    // Not awaited: the command finishes while the message stays on screen.
    void ctx.ui()
      .notify('error', 'error', shown(isQencodeError(error) ? message : t('{0} failed: {1}', name, message)), ...actions)
      .then((choice) => {
        if (choice === showLog) ctx.log.show();
        // The key of the project that failed; a key refused while being added reopens Add.
        if (choice === reenter && isQencodeError(error)) {
          if (error.account) void vscode.commands.executeCommand('qencodeCdn.replaceApiKey', { projectId: error.account });
          else void vscode.commands.executeCommand('qencodeCdn.addApiKey');
        }
      });
  }
}

/** Registers `qencodeCdn.<id>` with its handler run through runAction; a command may get a node and the selection. */
export function registerCommand(
  context: vscode.ExtensionContext,
  ctx: ActionContext,
  id: string,
  name: string,
  handler: (node?: unknown, nodes?: unknown) => Promise<void>,
): void {
  context.subscriptions.push(vscode.commands.registerCommand(`qencodeCdn.${id}`, (node?: unknown, nodes?: unknown) => runAction(ctx, name, () => handler(node, nodes))));
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function isCancellation(error: unknown): boolean {
  return error instanceof Cancelled || error instanceof vscode.CancellationError || isQencodeError(error, 'cancelled');
}
