/** Rules the API reference states, checked before anything is sent. */

/** "There can be at most 20 custom domains"; past that, Qencode support raises the limit. */
export const MAX_DOMAINS = 20;
