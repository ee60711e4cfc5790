import * as vscode from 'vscode';
import type { Command } from '../../commands';
import { onFirstUse } from '../../core/first-use';

const t = vscode.l10n.t;

/** Check URL, Test CORS, Verify and their connections: dist/edge.js, loaded on first use. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const edgeChunk = /* @__PURE__ */ onFirstUse('edge.js', () => require('./chunk') as typeof import('./chunk'));

/** The edge checks: what the CDN serves for a URL, and a bucket's CORS as a browser meets it. */
export const edgeCommands = (): Command[] => [
  { id: 'qencodeCdn.checkUrl', name: t('Check URL'), run: (s, value) => edgeChunk().checkUrl(s, value) },
  { id: 'qencodeCdn.checkObject', name: t('Check object'), run: (s, node) => edgeChunk().checkObject(s, node) },
  { id: 'qencodeCdn.testCors', name: t('Test CORS'), run: (s, node) => edgeChunk().testCors(s, node) },
];
