/**
 * Every contextValue a tree row can have: package.json's `when` clauses match these,
 * and a unit test ties the two together. No `vscode` here.
 */
export const Ctx = {
  project: 'project',
  projectNeedsKey: 'project.needsKey',
  groupDomains: 'group.domains',
  groupTls: 'group.tls',
  groupKeys: 'group.keys',
  groupBuckets: 'group.buckets',
  domainLive: 'domain.live',
  domainVod: 'domain.vod',
  tlsPending: 'tls.pending',
  tlsIssued: 'tls.issued',
  tlsFailed: 'tls.failed',
  tlsExpired: 'tls.expired',
  tlsOther: 'tls.other',
  signingKey: 'signingKey',
  signingKeyUnsaved: 'signingKey.unsaved',
  bucket: 'bucket',
  bucketAdded: 'bucket.added',
  corsHeader: 'corsHeader',
  error: 'error',
  authError: 'authError',
  message: 'message',
  invalid: 'invalid',
} as const;

export type ContextValue = (typeof Ctx)[keyof typeof Ctx];

/** Rows that carry no command of their own: their contextValue need not appear in a `when` clause. */
export const PASSIVE_CONTEXT_VALUES: readonly ContextValue[] = [Ctx.message, Ctx.invalid];
