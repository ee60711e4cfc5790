/**
 * Code the tree's first paint does not need is a chunk of its own (esbuild.mjs CHUNKS),
 * loaded the first time it is used: `load` is a require() of the chunk's entry module,
 * which the build turns into a load of `file` in dist/ (a unit test checks the two
 * agree). A chunk that cannot be loaded (its files replaced by an update under a running
 * window, say) is said plainly, and the next use tries again.
 */
export function onFirstUse<T>(file: string, load: () => T): () => T {
  let loaded: T | undefined;
  return () => {
    if (loaded) return loaded;
    try {
      return (loaded = load());
    } catch (error) {
      const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new Error(
        `Qencode CDN could not load its file ${file} (${why}). Its files may have changed, as after an update: reload the window.`,
      );
    }
  };
}
