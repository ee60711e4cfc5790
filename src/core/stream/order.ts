import { MANIFEST_BUDGET, clip } from './budget';
import type { ParsedHls } from './hls';
import {
  StreamCollectError,
  type LeftOut,
  type RenditionSummary,
  type StreamCollection,
  type StreamObject,
  type StreamObjectKind,
  type StreamTarget,
} from './types';

/*
 * What the collector read, and step 4 of it (collector.ts): the order to purge and the
 * summaries, from a depth-first walk of the playlists in document order. Media objects
 * come first, then the playlists in post-order (every playlist after the ones it
 * references, so a child before its parent in any graph the collector accepts), the
 * root last. A rendition report is a hint, not a parent: it sets no order.
 */

export type Entry =
  | {
      type: 'object';
      url: string;
      target: StreamTarget;
      /** keyOf(target), made once where the entry is. */
      key: string;
      kind: StreamObjectKind;
      rendition?: string;
      shared?: boolean;
    }
  | { type: 'playlist'; key: string; hint: boolean }
  | { type: 'left'; uri: string; reason: string };

export interface Playlist {
  key: string;
  url: string;
  target: StreamTarget;
  kind: StreamObjectKind;
  depth: number;
  label?: string;
  subtitles: boolean;
  /** The manifest that named it first. */
  from?: string;
  /** The multivariant playlist's variables, for EXT-X-DEFINE:IMPORT. */
  imported?: ReadonlyMap<string, string>;
  /** Named only by rendition reports so far: a failure to read it leaves it out instead of stopping. */
  hint: boolean;
  /** Why a hint could not be read. */
  failed?: string;
  format?: 'hls' | 'dash';
  hlsType?: ParsedHls['type'];
  variables?: ReadonlyMap<string, string>;
  entries?: Entry[];
}

export const keyOf = (t: StreamTarget) => `${t.bucket}\n${t.path}`;

export interface ReadStatus {
  overLimit: string | undefined;
  manifestsRead: number;
}

export function arrange(root: Playlist, playlists: Map<string, Playlist>, status: ReadStatus): StreamCollection {
  const walk = new Walk(root, playlists);
  walk.visit(root);
  return walk.collection(status);
}

/** One walk: what is emitted, what is left out, and each rendition's summary, all bounded by the budget. */
class Walk {
  private readonly media: StreamObject[] = [];
  private readonly manifests: StreamObject[] = [];
  private readonly emitted = new Set<string>();
  private readonly state = new Map<string, 'open' | 'done'>();
  private readonly leftOut: LeftOut[] = [];
  private leftOutMore = 0;
  private readonly leftSeen = new Set<string>();
  private readonly renditions = new Map<string, RenditionSummary>();
  private renditionsMore = 0;
  private readonly overflowRenditions = new Set<string>();
  private readonly hasSegment = new Map<string, boolean>();
  private readonly names = new Map<Playlist, string | undefined>();
  private readonly usedNames = new Set<string>();

  constructor(
    private readonly root: Playlist,
    private readonly playlists: Map<string, Playlist>,
  ) {}

  visit(node: Playlist): void {
    this.state.set(node.key, 'open');
    const own = this.renditionName(node);
    for (const entry of node.entries ?? []) {
      if (entry.type === 'left') this.leave(entry.uri, entry.reason, node.url);
      else if (entry.type === 'playlist') this.child(node, entry);
      else this.object(node, entry, own);
    }
    this.state.set(node.key, 'done');
    this.emitManifest(node, own);
  }

  private child(node: Playlist, entry: Extract<Entry, { type: 'playlist' }>): void {
    const child = this.playlists.get(entry.key)!;
    if (child.failed !== undefined)
      return this.leave(child.url, `a rendition report's playlist that could not be read: ${child.failed}`, node.url);
    const seen = this.state.get(child.key);
    if (seen === 'done') return;
    if (seen === 'open') {
      // A rendition report back to a playlist being walked is a hint, not a parent: no order follows from it.
      if (entry.hint) return;
      throw new StreamCollectError(child.url, 'the playlists reference each other in a cycle', node.url);
    }
    // A playlist not read (the collection stopped at a limit) is still an object to purge.
    if (child.entries) return this.visit(child);
    this.state.set(child.key, 'done');
    this.emitManifest(child, child.label);
  }

  private object(node: Playlist, entry: Extract<Entry, { type: 'object' }>, own: string | undefined): void {
    const { key, target } = entry;
    // An object that is also a playlist (a URI that names a manifest) is purged as the manifest, in its place.
    if (this.emitted.has(key) || this.playlists.has(key)) return;
    this.emitted.add(key);
    const rendition = entry.shared ? undefined : (entry.rendition ?? own);
    const object: StreamObject = { url: entry.url, bucket: target.bucket, path: target.path, kind: entry.kind };
    if (rendition) object.rendition = rendition;
    this.media.push(object);
    if (rendition) this.count(rendition, node, entry);
  }

  private leave(uri: string, reason: string, from: string): void {
    const id = `${uri}\n${reason}`;
    if (this.leftSeen.has(id)) return;
    if (this.leftOut.length >= MANIFEST_BUDGET.maxLeftOut) {
      this.leftOutMore++;
      return;
    }
    this.leftSeen.add(id);
    this.leftOut.push({ uri: clip(uri, 300), reason: clip(reason, 300), from: clip(from, 300) });
  }

  private renditionName(node: Playlist): string | undefined {
    if (this.names.has(node)) return this.names.get(node);
    let name: string | undefined;
    if (node.format === 'hls') {
      const label = node === this.root ? 'media playlist' : (node.label ?? 'playlist');
      name = this.usedNames.has(label) ? clip(`${label} (${node.target.path})`, 200) : label;
      this.usedNames.add(name);
    }
    this.names.set(node, name);
    return name;
  }

  private emitManifest(node: Playlist, rendition: string | undefined): void {
    if (this.emitted.has(node.key)) return;
    this.emitted.add(node.key);
    this.manifests.push({
      url: node.url,
      ...node.target,
      kind: node.kind,
      ...(rendition && node !== this.root ? { rendition } : {}),
    });
  }

  /** A rendition's summary: its count, and its first and last segments (its init section and key when it has none). */
  private count(rendition: string, node: Playlist, entry: Extract<Entry, { type: 'object' }>): void {
    let summary = this.renditions.get(rendition);
    if (!summary) {
      if (this.renditions.size >= MANIFEST_BUDGET.maxRenditions) {
        if (!this.overflowRenditions.has(rendition)) this.renditionsMore++;
        this.overflowRenditions.add(rendition);
        return;
      }
      summary = {
        name: rendition,
        ...(node.format === 'hls' ? { playlist: node.target.path } : {}),
        count: 0,
        first: entry.target.path,
        last: entry.target.path,
      };
      this.renditions.set(rendition, summary);
      this.hasSegment.set(rendition, false);
    }
    summary.count++;
    if (entry.kind === 'segment' || entry.kind === 'subtitle') {
      if (!this.hasSegment.get(rendition)) summary.first = entry.target.path;
      this.hasSegment.set(rendition, true);
      summary.last = entry.target.path;
    } else if (!this.hasSegment.get(rendition)) summary.last = entry.target.path;
  }

  collection(status: ReadStatus): StreamCollection {
    const objects = [...this.media, ...this.manifests];
    const counts: Partial<Record<StreamObjectKind, number>> = {};
    for (const o of objects) counts[o.kind] = (counts[o.kind] ?? 0) + 1;
    return {
      root: { ...this.manifests.at(-1)!, format: this.root.format ?? 'hls' },
      bucket: this.root.target.bucket,
      objects,
      manifestsFrom: this.media.length,
      leftOut: this.leftOut,
      leftOutMore: this.leftOutMore,
      renditions: [...this.renditions.values()],
      renditionsMore: this.renditionsMore,
      counts,
      overLimit: status.overLimit !== undefined,
      ...(status.overLimit ? { limitReason: status.overLimit } : {}),
      manifestsRead: status.manifestsRead,
    };
  }
}
