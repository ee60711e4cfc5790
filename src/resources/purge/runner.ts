import * as vscode from 'vscode';
import * as api from '../../core';
import { errorMessage, runPool, type PurgeTarget } from '../../core';
import { isCancellation } from '../../actions';
import type { ProjectNode } from '../../explorer/nodes';
import type { Services } from '../../services';
import { edgeChunk } from '../edge/commands';
import { AUTO_VERIFY_MAX, type VerifyPlan } from '../edge/verify-plan';
import { describeTargets, stamp, type PurgeRun } from './history';

const t = vscode.l10n.t;

/**
 * Sends purges: with the configured concurrency, progress and Cancel; in phases when
 * order matters (a stream's segments before its manifests, so a player never gets a
 * fresh manifest that points at stale segments: a phase starts only when the one
 * before it all succeeded); then reports, records the run, and offers Retry Failed.
 */
export class PurgeRunner {
  constructor(private readonly s: Pick<Services, 'ui' | 'clients' | 'purgeHistory' | 'log' | 'details' | 'edge'>) {}

  /** `verify`: the URLs whose edge copies the notification offers to check (a purge of URLs, or a stream's sample). */
  async run(project: ProjectNode, phases: PurgeTarget[][], title?: string, verify?: VerifyPlan): Promise<void> {
    const ui = this.s.ui();
    const client = this.s.clients.client(project.projectId);
    const concurrency = vscode.workspace.getConfiguration('qencodeCdn').get<number>('purge.concurrency', 4);
    const all = phases.flat();
    const what = title ?? describeTargets(all);
    const results = await ui.progress(t('Purging {0}…', what), async (report, signal) => {
      const out: api.PoolResult<PurgeTarget>[] = [];
      let settledBefore = 0;
      for (const phase of phases) {
        const blocked = signal.aborted || out.some((r) => r.failed.length || r.notSent.length);
        if (blocked) {
          out.push({ done: [], failed: [], notSent: [...phase] });
          continue;
        }
        const base = settledBefore;
        out.push(
          await runPool(
            phase,
            concurrency,
            (x, itemSignal) => api.purgeObject(client, x.bucket, x.path, itemSignal),
            signal,
            (settled) => report(`${base + settled} / ${all.length}`, 100 / all.length),
          ),
        );
        settledBefore += phase.length;
      }
      return out;
    });
    const purgedAt = Date.now();
    const done = results.flatMap((r) => r.done);
    const failed = results.flatMap((r) => r.failed);
    const notSent = results.flatMap((r) => r.notSent);
    const run: PurgeRun = {
      at: stamp(),
      targets: all,
      purged: done.length,
      failed: failed.length,
      notSent: notSent.length,
      ...(phases.length > 1 ? { phases: phases.map((p) => p.length) } : {}),
    };
    await this.s.purgeHistory.record(project.projectId, run);
    for (const f of failed) this.s.log.error(`purge ${f.item.bucket}/${f.item.path}: ${errorMessage(f.error)}`);

    const details = t('Show Details');
    const check = t('Verify');
    const { message, actions } = summary(all, what, done.length, failed.length, notSent.length, phases.length > 1);
    // What the edge serves now can be checked once every purge was accepted (a part of a stream is not verified as if whole).
    const verifiable = verify && verify.urls.length > 0 && done.length === all.length ? verify : undefined;
    const auto =
      verifiable &&
      verifiable.urls.length <= AUTO_VERIFY_MAX &&
      vscode.workspace.getConfiguration('qencodeCdn').get<boolean>('purge.verifyAutomatically', false);
    if (verifiable && !auto) actions.push(check);
    actions.push(details);
    const since = verifiable?.purgedAt ?? purgedAt;
    // Started after the summary is on its way; a chunk that fails to load is a failed verify, not a failed purge.
    if (auto)
      void Promise.resolve()
        .then(() => edgeChunk().verifyPurge(this.s, project, verifiable, since))
        .catch((e: unknown) => this.failed(e));
    const choice = await ui.notify(
      'purgeSummary',
      failed.length || notSent.length ? 'warning' : 'info',
      message,
      ...actions,
    );
    // Again in the same order: what failed or was not sent, phase by phase.
    const again = results.map((r) => [...r.failed.map((f) => f.item), ...r.notSent]).filter((p) => p.length > 0);
    // What was purged before the retry was purged earlier: Verify counts from the first purge.
    if (choice === RETRY() || choice === REST())
      await this.run(project, again, title, verify && { ...verify, purgedAt: verify.purgedAt ?? purgedAt });
    if (choice === check && verifiable) await edgeChunk().verifyPurge(this.s, project, verifiable, since);
    if (choice === details) {
      await this.s.details.show(project.projectName, `purge ${run.at}`, {
        purged: done,
        failed: failed.map((f) => ({ ...f.item, error: errorMessage(f.error) })),
        notSent,
      });
    }
  }

  private failed(error: unknown): void {
    if (isCancellation(error)) return;
    void this.s.ui().notify('purgeVerified', 'error', t('Verify failed: {0}', errorMessage(error)));
  }

  async wholeBucket(project: ProjectNode, bucket: string): Promise<void> {
    const client = this.s.clients.client(project.projectId);
    let ok = false;
    try {
      await this.s
        .ui()
        .progress(t('Purging bucket {0}…', bucket), (_r, signal) => api.purgeBucket(client, bucket, signal));
      ok = true;
    } finally {
      await this.s.purgeHistory.record(project.projectId, {
        at: stamp(),
        targets: [{ bucket, path: null }],
        purged: ok ? 1 : 0,
        failed: ok ? 0 : 1,
        notSent: 0,
      });
    }
    void this.s.ui().notify('done', 'info', t('The CDN accepted the purge of every object in bucket {0}.', bucket));
  }
}

const RETRY = () => t('Retry Failed');
const REST = () => t('Purge the Rest');

/** What the notification after a purge says, and the actions it offers for what failed or was not sent. */
function summary(
  all: readonly PurgeTarget[],
  what: string,
  done: number,
  failed: number,
  notSent: number,
  phased: boolean,
): { message: string; actions: string[] } {
  if (failed)
    return {
      message:
        phased && notSent
          ? t(
              'Purged {0} of {1}; {2} failed, so the {3} manifests after them were held back (a player must not get a fresh manifest pointing at stale segments).',
              done,
              all.length,
              failed,
              notSent,
            )
          : t('Purged {0} of {1}; {2} failed.', done, all.length, failed),
      actions: [RETRY()],
    };
  if (notSent)
    return {
      message: t('Purge cancelled: {0} purged, {1} failed, {2} not sent.', done, failed, notSent),
      actions: [REST()],
    };
  // What is known: the API accepted every purge (the edge then fetches each object from storage again).
  return {
    message:
      all.length === 1
        ? t('The CDN accepted the purge of {0} in {1}.', all[0]!.path, all[0]!.bucket)
        : t('The CDN accepted the purge of {0}.', what),
    actions: [],
  };
}
