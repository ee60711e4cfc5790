import * as vscode from 'vscode';

export const DETAILS_SCHEME = 'qencode-details';

/**
 * Read-only JSON views of API objects (Show Details, Show CORS Policy). A content
 * provider's documents cannot be edited or saved, which is the point.
 */
export class DetailsDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  /** `shown`: the log's redaction, applied to every document's text. */
  constructor(private readonly shown: (text: string) => string) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '{}\n';
  }

  /** Opens (or updates) `qencode-details:/<project>/<title>.json` with this value. */
  show(projectName: string, title: string, value: unknown): Promise<vscode.TextEditor> {
    return this.open(projectName, `${title}.json`, `${JSON.stringify(value, null, 2)}\n`);
  }

  /**
   * A read-only Markdown document to read before acting, rendered by VS Code's own
   * Markdown preview (untrusted text in it is escaped by the caller); as text when no
   * preview is there (the Markdown extension disabled).
   */
  async showMarkdown(projectName: string, title: string, markdown: string): Promise<void> {
    const uri = this.set(projectName, `${title}.md`, markdown);
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
    }
  }

  private set(projectName: string, file: string, text: string): vscode.Uri {
    const safe = (s: string) => s.replace(/[\\/:*?"<>|#%]+/g, '-');
    const uri = vscode.Uri.from({ scheme: DETAILS_SCHEME, path: `/${safe(projectName)}/${safe(file)}` });
    this.contents.set(uri.toString(), this.shown(text));
    this.changed.fire(uri);
    return uri;
  }

  private async open(projectName: string, file: string, text: string): Promise<vscode.TextEditor> {
    const doc = await vscode.workspace.openTextDocument(this.set(projectName, file, text));
    return vscode.window.showTextDocument(doc, { preview: true });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
