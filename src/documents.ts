import * as vscode from 'vscode';
import { shown } from './log';

export const DETAILS_SCHEME = 'qencode-details';

/**
 * Read-only JSON views of API objects (Show Details, Show CORS Policy). A content
 * provider's documents cannot be edited or saved, which is the point.
 */
export class DetailsDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '{}\n';
  }

  /** Opens (or updates) `qencode-details:/<project>/<title>.json` with this value. */
  show(projectName: string, title: string, value: unknown): Promise<vscode.TextEditor> {
    return this.open(projectName, `${title}.json`, `${JSON.stringify(value, null, 2)}\n`);
  }

  /** A read-only Markdown document (a preview to read before acting), as text: it reads well, and never depends on a webview. */
  async showMarkdown(projectName: string, title: string, markdown: string): Promise<void> {
    await this.open(projectName, `${title}.md`, markdown);
  }

  private async open(projectName: string, file: string, text: string): Promise<vscode.TextEditor> {
    const safe = (s: string) => s.replace(/[\\/:*?"<>|#%]+/g, '-');
    const uri = vscode.Uri.from({ scheme: DETAILS_SCHEME, path: `/${safe(projectName)}/${safe(file)}` });
    this.contents.set(uri.toString(), shown(text));
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(doc, { preview: true });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
