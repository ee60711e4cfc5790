/*
 * What dist/edge.js holds (esbuild.mjs CHUNKS): the edge checks, loaded the first time
 * one runs. Nothing at start-up imports these modules; they are reached through
 * `edgeChunk()` (./commands.ts).
 */
export { checkObject, checkUrl } from './check-url';
export { EdgeChecks } from './edge-checks';
export { testCors } from './test-cors';
export { verifyPurge } from './verify';
