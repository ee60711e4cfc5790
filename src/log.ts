import * as vscode from 'vscode';
import { redact, type RequestLogEntry } from './core';

/**
 * The "Qencode CDN" output channel. Everything written passes through the one
 * redaction helper, with the secrets the extension currently knows added to it.
 */
export class Log implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Qencode CDN', { log: true });
  /** The last lines written, as written (already redacted). */
  private readonly lines: string[] = [];
  /** Every secret the extension has handled in this session (API keys, tokens, private keys). */
  private readonly secrets = new Set<string>();

  /** Registers a value that must never be written or shown (an API key, a token, a private key). */
  addSecret(value: string): void {
    if (value) this.secrets.add(value);
  }

  /**
   * Text from the server or from an error, made safe to show: a notification, a row,
   * a tooltip or a document gets the same redaction as the log. Bound: pass it as is.
   */
  readonly shown = (text: string): string => redact(text, this.secrets);

  /** Whether a line holds, or is part of, a secret this session has handled (a private key's line, say). */
  isSecretMaterial(line: string): boolean {
    const l = line.trim();
    if (l.length < 16) return false;
    for (const secret of this.secrets) if (secret.includes(l) || l.includes(secret)) return true;
    return false;
  }

  info(message: string): void {
    this.channel.info(this.keep(message));
  }

  error(message: string): void {
    this.channel.error(this.keep(message));
  }

  /** What the channel shows, most recent last (at most 1000 lines). */
  recent(): readonly string[] {
    return this.lines;
  }

  private keep(message: string): string {
    const line = this.shown(message);
    this.lines.push(line);
    if (this.lines.length > 1000) this.lines.shift();
    return line;
  }

  /** One line per HTTP request: method, operation, redacted path, status, duration. Never headers or bodies. */
  request(e: RequestLogEntry): void {
    const line = `${e.method} ${e.path} (${e.operation}) → ${e.status ?? '-'} ${e.outcome} in ${e.durationMs} ms${e.attempt ? `, attempt ${e.attempt + 1}` : ''}`;
    if (e.outcome === 'ok') this.channel.info(this.keep(line));
    else this.channel.warn(this.keep(line));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
