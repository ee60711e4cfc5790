import { CORS_HEADERS, isCorsHeader, type CorsPolicy } from '../../core';

/* The CORS document's text and its save plan. No `vscode` here. */

/** Pretty-printed, headers in the documented order, then any others the CDN holds. */
export function formatPolicy(policy: CorsPolicy): string {
  const keys = [
    ...CORS_HEADERS.filter((h) => Object.hasOwn(policy, h)),
    ...Object.keys(policy)
      .filter((k) => !isCorsHeader(k))
      .sort(),
  ];
  return `${JSON.stringify(Object.fromEntries(keys.map((k) => [k, policy[k]])), null, 2)}\n`;
}

export function samePolicy(a: CorsPolicy, b: CorsPolicy): boolean {
  const ka = Object.keys(a).sort();
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && b[k] === a[k]);
}

export interface CorsSavePlan {
  /** Delete the whole policy first: the document is `{}`, or it drops a header this API cannot delete one by one. */
  deleteAll: boolean;
  /** Headers to delete one by one (when not deleting all). */
  deleteHeaders: string[];
  /** POST the document. */
  post: boolean;
}

/**
 * What makes the remote policy equal to the document, whether POST replaces or
 * merges: delete what was removed, then post the rest. Nothing at all when they
 * are equal already.
 */
export function planCorsSave(current: CorsPolicy, wanted: CorsPolicy): CorsSavePlan {
  if (samePolicy(current, wanted)) return { deleteAll: false, deleteHeaders: [], post: false };
  const removed = Object.keys(current).filter((h) => !Object.hasOwn(wanted, h));
  const empty = Object.keys(wanted).length === 0;
  const deleteAll = empty || removed.some((h) => !isCorsHeader(h));
  const changed = Object.entries(wanted).some(([k, v]) => !Object.hasOwn(current, k) || current[k] !== v);
  return { deleteAll, deleteHeaders: deleteAll ? [] : removed, post: !empty && (changed || deleteAll) };
}

/** What applying a document changes on the CDN, header by header. */
export interface CorsChange {
  added: { header: string; value: string }[];
  changed: { header: string; from: string; to: string }[];
  removed: { header: string; value: string }[];
}

export function describeCorsChange(current: CorsPolicy, wanted: CorsPolicy): CorsChange {
  const order = (keys: string[]) => [
    ...CORS_HEADERS.filter((h) => keys.includes(h)),
    ...keys.filter((k) => !isCorsHeader(k)).sort(),
  ];
  const change: CorsChange = { added: [], changed: [], removed: [] };
  for (const header of order(Object.keys(wanted))) {
    if (!Object.hasOwn(current, header)) change.added.push({ header, value: wanted[header]! });
    else if (current[header] !== wanted[header])
      change.changed.push({ header, from: current[header]!, to: wanted[header]! });
  }
  for (const header of order(Object.keys(current)))
    if (!Object.hasOwn(wanted, header)) change.removed.push({ header, value: current[header]! });
  return change;
}

export function isNoChange(c: CorsChange): boolean {
  return c.added.length + c.changed.length + c.removed.length === 0;
}
