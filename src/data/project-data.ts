import {
  getCorsReply,
  isInvalid,
  validItems,
  listDomains,
  listSigningKeys,
  listTlsSubscriptions,
  type CorsReply,
  type Domain,
  type Listed,
  type QencodeClient,
  type SigningKey,
  type TlsSubscription,
} from '../core';
import { knownBuckets, type BucketMemory, type KnownBucket } from './buckets';

/** What changed in a project's data. `project`: its key or name; `buckets`: what this editor remembers of them. */
export type Resource = 'project' | 'domains' | 'tls' | 'keys' | 'buckets' | 'cors';
export interface Change {
  projectId: string;
  resource: Resource;
  /** For `cors`: the bucket whose policy changed; absent means every bucket's. */
  bucket?: string;
}

export interface Lists {
  domains: Listed<Domain>[];
  tls: Listed<TlsSubscription>[];
  keys: Listed<SigningKey>[];
}
export type ListResource = keyof Lists;
type Item<R extends ListResource> = Exclude<Lists[R][number], { invalid: true }>;

const LOADERS: { [R in ListResource]: (c: QencodeClient) => Promise<Lists[R]> } = {
  domains: (c) => listDomains(c),
  tls: (c) => listTlsSubscriptions(c),
  keys: (c) => listSigningKeys(c),
};

/**
 * One project's lists, as the API last gave them: one request per list shared by
 * every caller (single flight), kept until a command says it changed. It knows
 * nothing of tree items; it says "resource X of project P changed" and the views
 * decide what to redraw.
 */
export class ProjectData {
  private readonly lists = new Map<ListResource, Promise<unknown>>();
  /** The lists as last read, for readers that must not wait or cause a request (a hover). */
  private readonly settled = new Map<ListResource, unknown>();
  private readonly cors = new Map<string, Promise<CorsReply>>();

  constructor(
    readonly projectId: string,
    private readonly client: () => Promise<QencodeClient>,
    private readonly memory: () => BucketMemory,
    private readonly emit: (change: Change) => void,
  ) {}

  /** The list, with the one rule for a repeated id: the first wins, a later one is an invalid item. */
  list<R extends ListResource>(resource: R): Promise<Lists[R]> {
    let pending = this.lists.get(resource) as Promise<Lists[R]> | undefined;
    if (!pending) {
      pending = this.client()
        .then((client) => LOADERS[resource](client))
        .then((items) => {
          const checked = firstOfEachId(items as Listed<object>[]) as Lists[R];
          this.settled.set(resource, checked);
          return checked;
        });
      this.lists.set(resource, pending);
      // A failed load is not kept: the next caller asks again.
      pending.catch(() => this.lists.get(resource) === pending && this.lists.delete(resource));
    }
    return pending;
  }

  /** Whether a list has been read (peek then tells what it holds, not only that nothing was read). */
  has(resource: ListResource): boolean {
    return this.settled.has(resource);
  }

  /** The valid items of a list as last read, with no request and no wait; empty when never read. */
  peek<R extends ListResource>(resource: R): Item<R>[] {
    const items = this.settled.get(resource) as Lists[R] | undefined;
    return items ? (validItems(items as Listed<object>[]) as Item<R>[]) : [];
  }

  /** The valid items of a list. */
  async items<R extends ListResource>(resource: R): Promise<Item<R>[]> {
    return validItems((await this.list(resource)) as Listed<object>[]) as Item<R>[];
  }

  /** Domains by id; a failed domain list only costs the names, so it gives an empty map. */
  async domainsById(): Promise<Map<string, Domain>> {
    const domains = await this.items('domains').catch(() => [] as Domain[]);
    return new Map(domains.map((d) => [d.id, d]));
  }

  /** The buckets known from the domains, the signing keys and the user; fails only if both lists fail. */
  async buckets(): Promise<KnownBucket[]> {
    const [domains, keys] = await Promise.allSettled([this.items('domains'), this.items('keys')]);
    if (domains.status === 'rejected' && keys.status === 'rejected') throw domains.reason;
    return knownBuckets(
      domains.status === 'fulfilled' ? domains.value : [],
      keys.status === 'fulfilled' ? keys.value : [],
      this.memory(),
    );
  }

  /** A bucket's CORS policy: one request, kept until it is said to have changed. */
  corsOf(bucket: string): Promise<CorsReply> {
    let pending = this.cors.get(bucket);
    if (!pending) {
      pending = this.client().then((client) => getCorsReply(client, bucket));
      this.cors.set(bucket, pending);
      pending.catch(() => this.cors.get(bucket) === pending && this.cors.delete(bucket));
    }
    return pending;
  }

  /** One item fetched afresh replaces its row, with no re-list. */
  replace<R extends ListResource>(resource: R, item: Item<R>): void {
    const pending = this.lists.get(resource) as Promise<Lists[R]> | undefined;
    if (pending) {
      const id = (item as { id: string }).id;
      const updated = pending.then((items) => {
        const next = items.map((i) => (!isInvalid(i) && (i as { id: string }).id === id ? item : i)) as Lists[R];
        this.settled.set(resource, next);
        return next;
      });
      this.lists.set(resource, updated);
      // A load that fails under the replacement is not kept either.
      updated.catch(() => this.lists.get(resource) === updated && this.lists.delete(resource));
    }
    this.emit({ projectId: this.projectId, resource });
  }

  /** Something changed on the server: the next reader asks again. */
  invalidate(resource: ListResource | 'cors', bucket?: string): void {
    if (resource === 'cors') {
      if (bucket === undefined) this.cors.clear();
      else this.cors.delete(bucket);
    } else {
      this.lists.delete(resource);
    }
    this.emit({ projectId: this.projectId, resource, ...(bucket !== undefined ? { bucket } : {}) });
  }

  /** Everything is read again (Refresh on the project). */
  invalidateAll(): void {
    this.lists.clear();
    this.cors.clear();
    this.emit({ projectId: this.projectId, resource: 'project' });
  }

  /** Only what this editor holds changed (buckets added, a policy set, a private key saved): nothing to fetch. */
  changed(resource: Resource): void {
    this.emit({ projectId: this.projectId, resource });
  }
}

function firstOfEachId<T extends object>(items: Listed<T>[]): Listed<T>[] {
  const seen = new Set<string>();
  return items.map((item) => {
    if (isInvalid(item)) return item;
    const id = (item as { id?: unknown }).id;
    if (typeof id !== 'string') return item;
    if (!seen.has(id)) {
      seen.add(id);
      return item;
    }
    return { invalid: true, id, problem: 'the API listed this id twice; the first one is shown' };
  });
}
