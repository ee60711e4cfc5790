import * as vscode from 'vscode';
import type { Command } from '../../commands';
import { checkObject, checkUrl } from './check-url';
import { testCors } from './test-cors';

const t = vscode.l10n.t;

/** The edge checks: what the CDN serves for a URL, and a bucket's CORS as a browser meets it. */
export const edgeCommands = (): Command[] => [
  { id: 'qencodeCdn.checkUrl', name: t('Check URL'), run: checkUrl },
  { id: 'qencodeCdn.checkObject', name: t('Check object'), run: checkObject },
  { id: 'qencodeCdn.testCors', name: t('Test CORS'), run: testCors },
];
