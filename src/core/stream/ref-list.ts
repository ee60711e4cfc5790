import { MANIFEST_BUDGET, clip } from './budget';
import type { ManifestRef } from './types';

/**
 * A reader's references: each once (by an id, its URI unless given), at most `max` of
 * them. A URI longer than MANIFEST_BUDGET.maxValueChars is kept only as left out, cut
 * short, and never compared: V8 hashes a string that long by its length alone, so a set
 * of many would compare every pair, each of kilobytes.
 */
export class RefList {
  readonly refs: ManifestRef[] = [];
  private readonly seen = new Set<string>();
  /** A reference came past `max`: there is more than the reader returned. */
  overLimit = false;

  constructor(private readonly max: number) {}

  add(ref: ManifestRef, id: string = ref.uri): void {
    if (this.refs.length >= this.max) {
      this.overLimit = true;
      return;
    }
    if (ref.uri.length > MANIFEST_BUDGET.maxValueChars) {
      this.refs.push({
        uri: clip(ref.uri, 300),
        kind: ref.kind,
        leftOut: `a URI longer than ${MANIFEST_BUDGET.maxValueChars} characters`,
      });
      return;
    }
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.refs.push(ref);
  }
}
