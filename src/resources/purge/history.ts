import type { PurgeRun } from '../projects/store';

/* How purge runs are described. No `vscode` here. */

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
