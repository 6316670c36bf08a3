import v8 from 'node:v8';

/**
 * How far V8 lets the old generation grow past what a full collection found alive, in percent.
 *
 * A long run promotes the pages waiting for their turn to be written (a few flat strings each), and V8's own
 * heuristic lets such garbage pile up to about four times the live heap before it collects: peak RSS about
 * 170 MB on a year of 1m candles. Capping growth at 2× keeps the peak near 140 MB for a few percent more CPU
 * (README "Performance"). This V8 flag is read whenever the limit is recomputed, so it can still be set once the
 * process runs, unlike the heap size flags.
 */
export const HEAP_GROWING_PERCENT = 100;

/**
 * Applies HEAP_GROWING_PERCENT unless the process was started with its own value (`node --heap-growing-percent=0
 * bin/cryptocollect.js …` restores V8's default; NODE_OPTIONS does not accept this V8 flag).
 */
export function limitHeapGrowth(execArgv: readonly string[]): void {
  if (!execArgv.some((a) => /^--heap[-_]growing[-_]percent\b/.test(a))) v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
