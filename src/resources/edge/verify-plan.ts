/* What a purge offers to verify at the edge. No `vscode` here. */

/** Purges of at most this many URLs are verified without asking when `qencodeCdn.purge.verifyAutomatically` is on. */
export const AUTO_VERIFY_MAX = 20;
/** The most URLs one verification looks at. */
export const MAX_VERIFY_URLS = 200;

/** What a purge offers to verify: the URLs to look at, and what was left out of them (a stream's sample). */
export interface VerifyPlan {
  urls: string[];
  /** Said in the report: how the URLs were chosen, when not all were. */
  note?: string;
  /** When the first purge of these URLs was accepted, for a plan passed on to a retry. */
  purgedAt?: number;
}

/**
 * The URLs to verify after a stream's purge: every manifest (at most `maxManifests`), and
 * `sample` of its other objects spread evenly through them. No `vscode` is needed here.
 */
export function streamSample(
  objects: readonly { url: string; manifest: boolean }[],
  sample: number,
  maxManifests = 50,
): VerifyPlan {
  const manifests = objects.filter((o) => o.manifest).slice(0, maxManifests);
  const media = objects.filter((o) => !o.manifest);
  const n = Math.max(0, Math.min(sample, media.length));
  const picked = Array.from({ length: n }, (_, i) => media[Math.floor((i * media.length) / n)]!);
  const left = objects.length - manifests.length - picked.length;
  return {
    urls: [...manifests, ...picked].map((o) => o.url),
    ...(left > 0
      ? {
          note: `${manifests.length} manifests and a sample of ${picked.length} of the ${media.length} other objects (qencodeCdn.purge.verifySample), spread evenly through the stream.`,
        }
      : {}),
  };
}
