/**
 * Code the tree's first paint does not need is a chunk of its own (esbuild.mjs CHUNKS),
 * loaded the first time it is used: `load` is a require() of the chunk's entry module,
 * which the build turns into a require of the chunk's file in dist/.
 */
export function onFirstUse<T>(load: () => T): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load());
}
