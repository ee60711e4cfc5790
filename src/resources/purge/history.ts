import type { Memento } from 'vscode';
import { ProjectState } from '../../data/project-state';

/* The purge history: what is kept of each run, and how a run is described. No `vscode` at run time here. */

/** One purge run, as kept in the per-project history. */
export interface PurgeRun {
  at: string;
  /** Whole-bucket purges have `path: null`. */
  targets: { bucket: string; path: string | null }[];
  /** The run had more targets than the history keeps. */
  truncated?: boolean;
  /** Sent in steps, in order (a stream: objects, playlists, root): the size of each. */
  phases?: number[];
  purged: number;
  failed: number;
  notSent: number;
}

export const PURGE_HISTORY_RUNS = 50;
export const PURGE_HISTORY_TARGETS = 1000;

/** The history with a new run first: at most PURGE_HISTORY_RUNS runs, each with at most PURGE_HISTORY_TARGETS targets. */
export function withRun(runs: readonly PurgeRun[], run: PurgeRun): PurgeRun[] {
  const kept =
    run.targets.length > PURGE_HISTORY_TARGETS
      ? { ...run, targets: run.targets.slice(0, PURGE_HISTORY_TARGETS), truncated: true }
      : run;
  return [kept, ...runs].slice(0, PURGE_HISTORY_RUNS);
}

/** The last purge runs of each project, newest first. */
export class PurgeHistory extends ProjectState<PurgeRun[]> {
  constructor(state: Memento) {
    super(state, 'qencodeCdn.purgeHistory', []);
  }

  async record(projectId: string, run: PurgeRun): Promise<void> {
    await this.update(projectId, (runs) => withRun(runs, run));
  }
}

export function stamp(date = new Date()): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "3 objects in media-assets", "media-assets (whole bucket)", "12 objects in 2 buckets". */
export function describeTargets(
  targets: readonly { bucket: string; path: string | null }[],
  truncated?: boolean,
): string {
  const buckets = [...new Set(targets.map((x) => x.bucket))];
  const whole = targets.every((x) => x.path === null);
  if (whole) return `${buckets.join(', ')} (whole bucket)`;
  const count = truncated ? `${targets.length}+` : String(targets.length);
  if (targets.length === 1) return `${targets[0]!.path ?? ''} in ${buckets[0]!}`;
  return buckets.length === 1 ? `${count} objects in ${buckets[0]!}` : `${count} objects in ${buckets.length} buckets`;
}

export function outcome(r: Pick<PurgeRun, 'purged' | 'failed' | 'notSent'>): string {
  return [
    `${r.purged} purged`,
    ...(r.failed ? [`${r.failed} failed`] : []),
    ...(r.notSent ? [`${r.notSent} not sent`] : []),
  ].join(', ');
}
