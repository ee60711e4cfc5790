import * as vscode from 'vscode';
import { purgeLines } from '../../core';
import type { Log } from '../../log';

/** The language of purge lists: "Purge Paths in This Editor" is offered there and nowhere else. */
export const PURGE_LIST_LANGUAGE = 'qencode-purge-list';

const HEADER =
  '# Qencode CDN purge list: one object path or URL per line.\n# Then run "Qencode CDN: Purge Paths in This Editor" (or select some lines first).\n';

export async function openPurgeList(): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ content: HEADER, language: PURGE_LIST_LANGUAGE });
  await vscode.window.showTextDocument(doc);
}

/**
 * The entries of a text, without any line of a secret this session has handled: a
 * private key shown in an editor must never be sent as a path, nor kept in the history.
 */
export function entriesOf(text: string, log: Log): { lines: string[]; secretLines: number } {
  const all = purgeLines(text);
  const lines = all.filter((l) => !log.isSecretMaterial(l));
  return { lines, secretLines: all.length - lines.length };
}
