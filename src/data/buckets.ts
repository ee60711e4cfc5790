import type { Memento } from 'vscode';
import { isMediaStorageRegion, type AccessPolicy, type Domain, type SigningKey } from '../core';
import { ProjectState } from './project-state';

/** What this editor remembers about a project's buckets; none of it is secret. */
export interface BucketMemory {
  /** Buckets the user added by name. */
  added: string[];
  /** The access policy last set from this editor, per bucket; the API cannot read it back. */
  policies: Record<string, { policy: AccessPolicy; at: string }>;
  /** The bucket last purged in, so the next purge can start there. */
  lastPurged?: string;
  /** The media-storage region of each bucket, as the user said (the API does not tell it). */
  regions?: Record<string, string>;
  /** The last object paths checked at the edge, per bucket (newest first, at most 5). */
  edgeObjects?: Record<string, string[]>;
  /** The last origins Test CORS was run from, per bucket (newest first, at most 5). */
  corsOrigins?: Record<string, string[]>;
}

export const EMPTY_BUCKET_MEMORY: BucketMemory = { added: [], policies: {} };

/** Each project's bucket memory. */
export class BucketMemories extends ProjectState<BucketMemory> {
  constructor(state: Memento) {
    super(state, 'qencodeCdn.buckets', EMPTY_BUCKET_MEMORY, (kept) => ({ ...EMPTY_BUCKET_MEMORY, ...kept }));
  }
}

/** Why a bucket is known: the API cannot list buckets. */
export type BucketSource = { kind: 'domain'; domain: string } | { kind: 'key'; key: string } | { kind: 'added' };

export interface KnownBucket {
  name: string;
  sources: BucketSource[];
  addedByUser: boolean;
  policy?: { policy: AccessPolicy; at: string };
  /** Its media-storage region, as the user said. */
  region?: string;
}

/**
 * The rule for which buckets exist: those vod domains serve, those signing keys sign
 * for, and those the user added by name. Sorted by name.
 */
export function knownBuckets(
  domains: readonly Domain[],
  keys: readonly SigningKey[],
  memory: BucketMemory,
): KnownBucket[] {
  const sources = new Map<string, BucketSource[]>();
  const add = (bucket: string, source: BucketSource) => sources.set(bucket, [...(sources.get(bucket) ?? []), source]);
  for (const d of domains) if (d.bucketName) add(d.bucketName, { kind: 'domain', domain: d.name });
  for (const k of keys) if (k.target.kind === 'bucket') add(k.target.bucketName, { kind: 'key', key: k.name ?? k.id });
  for (const b of memory.added) add(b, { kind: 'added' });
  return [...sources.keys()]
    .sort((a, b) => a.localeCompare(b))
    .map((name) => ({
      name,
      sources: sources.get(name)!,
      addedByUser: memory.added.includes(name),
      // Own keys only: a bucket named "__proto__" must not read the prototype.
      ...(Object.hasOwn(memory.policies, name) ? { policy: memory.policies[name]! } : {}),
      ...(memory.regions && Object.hasOwn(memory.regions, name) && isMediaStorageRegion(memory.regions[name])
        ? { region: memory.regions[name] }
        : {}),
    }));
}
