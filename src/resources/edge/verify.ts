import * as vscode from 'vscode';
import { freshnessAfterPurge } from '../../core/edge/cache-state';
import { errorMessage } from '../../core/errors';
import type { ProjectNode } from '../../explorer/nodes';
import type { Services } from '../../services';
import { verifyReport, verifySummary, type VerifiedUrl } from './report';
import type { VerifyPlan } from './verify-plan';

const t = vscode.l10n.t;

/**
 * Verify: each URL looked at once (no body), at most EDGE_CONCURRENCY at a time, and
 * judged by what the edge's headers say: fresh from origin, still cached (with its Age),
 * or can't tell. Nothing is guessed. A document with every URL, a notification with the sum.
 */
export async function verifyPurge(
  s: Pick<Services, 'edge' | 'ui' | 'details'>,
  project: ProjectNode,
  plan: VerifyPlan,
  purgedAt: number,
): Promise<void> {
  for (const url of new Set(plan.urls.map((u) => new URL(u).origin))) await s.edge.allowHost(url);
  const looks = await s
    .ui()
    .progress(t('Verifying the purge at the edge: {0} URLs…', plan.urls.length), (report, signal) =>
      s.edge.probeAll(plan.urls, signal, (n) => report(`${n} / ${plan.urls.length}`, 100 / plan.urls.length)),
    );
  const rows: VerifiedUrl[] = plan.urls.map((url) => {
    const found = looks.get(url);
    if (!found) return { url, error: t('not checked') };
    const { look, at } = found;
    if (look instanceof Error) return { url, error: errorMessage(look) };
    // From the purge to this look (not to the last one): an Age is compared with the time that had passed then.
    const seconds = (at - purgedAt) / 1000;
    return { url, status: look.status, freshness: freshnessAfterPurge(look.headers, seconds, look.status) };
  });
  await s.details.showMarkdown(
    project.projectName,
    `verify purge ${new Date(purgedAt).toISOString().slice(11, 19)}`,
    verifyReport(rows, new Date(purgedAt), plan.note),
  );
  const cached = rows.some((r) => r.freshness?.kind === 'cached');
  void s
    .ui()
    .notify('purgeVerified', cached ? 'warning' : 'info', t('Verified at the edge: {0}.', verifySummary(rows)));
}
