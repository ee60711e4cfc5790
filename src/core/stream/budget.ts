/*
 * The bounds of reading a stream: a manifest is text anyone can write (on a media
 * host, in a cloned repository), so every read, parse and expansion of it is bounded.
 * The budget, measured by `npm run bench` (the "hostile manifests" row) and held by
 * the property tests in test/unit/stream-hostile.test.ts: collecting any input (each
 * manifest at most 20 MiB, at most 500 manifests) ends, with a result or a clear
 * error, within 10 s of CPU and 512 MiB of heap on the bench machine. A real
 * 10,000-segment stream takes well under 1% of that.
 */
export const MANIFEST_BUDGET = {
  /** A manifest's body, read over the network or from a file. */
  maxBytes: 20 * 1024 * 1024,
  /** All the manifests of one stream together: past it the collection stops as over the limit. */
  maxTotalBytes: 64 * 1024 * 1024,
  /** One manifest read, from the request to its last byte: a server that trickles bytes ends here. */
  readDeadlineMs: 30_000,
  /** A value once its variables are replaced (HLS), and any one URI: no real URI is this long. */
  maxValueChars: 4096,
  /** All the text variable substitution makes in one playlist. */
  maxSubstitutedChars: 16 * 1024 * 1024,
  /** References left out that are kept, with their reasons; the rest are counted. */
  maxLeftOut: 1000,
  /** References left out that a collection takes at all: past it, it stops as over the limit. */
  maxLeftOutTotal: 20_000,
  /** Renditions summarised one by one in the preview; the rest are counted. */
  maxRenditions: 1000,
  /** Timeline entries and segments an MPD may take to read, over all its Representations. */
  maxDashSteps: 4_000_000,
  /** Alternative BaseURLs combined for one DASH Representation (MPD, Period, AdaptationSet, Representation). */
  maxBaseUrlCombinations: 16,
} as const;

export type ManifestBudget = typeof MANIFEST_BUDGET;

/** At most `max` characters of a text for a message, with an ellipsis where it was cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
