import * as vscode from 'vscode';
import { runAction } from './actions';
import type { Services } from './services';

/**
 * One command, as package.json declares it: its whole id (so a search for
 * `qencodeCdn.createSigningKey` finds its handler), what it does in words (an error
 * says "Create signing key failed: …"), and its handler, a named function of its
 * resource's commands.ts that a test can call too. A command may get the clicked row
 * (or a target, or a URI) and, with multi-select, all selected rows.
 */
export interface Command {
  id: `qencodeCdn.${string}`;
  name: string;
  run: (s: Services, node?: unknown, nodes?: unknown) => Promise<void>;
}

/** The one registrar: every command runs through runAction (a cancel is silent; an error is logged and shown once). */
export function registerCommands(context: vscode.ExtensionContext, s: Services, commands: readonly Command[]): void {
  for (const command of commands) {
    context.subscriptions.push(
      vscode.commands.registerCommand(command.id, (node?: unknown, nodes?: unknown) =>
        runAction(s, command.name, () => command.run(s, node, nodes)),
      ),
    );
  }
}
