/*
 * The manifest readers, the one seam that keeps them out of the start-up bundle:
 * nothing imports this module at load time; the collector requires it on first use.
 * esbuild builds it as an entry of its own (dist/stream-readers.js, with the XML
 * parser in it) and maps `./readers` to that file.
 */
export { looksLikeHls, readHls } from './hls';
export { looksLikeDash, readDash } from './dash';

export type ReaderModule = typeof import('./readers');
