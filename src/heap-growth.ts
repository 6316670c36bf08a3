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
 * The young generation's size (both semi-spaces) past which it stops growing. V8 doubles it up to 32 MB while a run
 * allocates fast (an archive file's rows are parsed as they inflate): 16 MB take about 25 MB off the peak for some
 * 5 % more of the CLI's CPU (README "Performance"). Its size limit is fixed when the process starts, but its growth
 * factor is read whenever it grows: set to 1 once it reaches this size, it grows no more.
 */
export const YOUNG_GENERATION_BYTES = 16 * 2 ** 20;

/**
 * Applies HEAP_GROWING_PERCENT and YOUNG_GENERATION_BYTES unless the process was started with its own values
 * (`node --heap-growing-percent=0 bin/cryptocollect.js …` restores V8's default, as `--max-semi-space-size=16` or
 * `--semi-space-growth-factor=2` does the young generation's; NODE_OPTIONS does not accept these V8 flags).
 */
export function limitHeapGrowth(execArgv: readonly string[]): void {
  if (!execArgv.some((a) => /^--heap[-_]growing[-_]percent\b/.test(a))) v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  if (!execArgv.some((a) => /^--(max[-_]semi[-_]space[-_]size|semi[-_]space[-_]growth[-_]factor)\b/.test(a))) capYoungGeneration(YOUNG_GENERATION_BYTES);
}

function capYoungGeneration(maxBytes: number): void {
  const timer = setInterval(() => {
    const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    if (young === undefined || young.space_size < maxBytes) return;
    v8.setFlagsFromString('--semi-space-growth-factor=1');
    clearInterval(timer);
  }, 20);
  // Never what keeps the process alive.
  timer.unref();
}
