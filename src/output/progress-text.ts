import type { RunEvent } from '../events/run-events.js';
import type { ProgressSnapshot } from './progress-figures.js';

/** Styling applied to a segment once it fits: picocolors' functions, or the identity without colour. */
export interface Paint {
  bar(s: string): string;
  good(s: string): string;
  warn(s: string): string;
  bad(s: string): string;
}

export const NO_PAINT: Paint = { bar: (s) => s, good: (s) => s, warn: (s) => s, bad: (s) => s };

/** One piece of a line: its width is its plain text's, its colour comes after fitting. */
interface Segment {
  readonly text: string;
  readonly style?: (s: string) => string;
}

const SEP = '  ';

export const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/** `0.4 s`, `8.5 s`, `42 s`, `4m 05s`, `2h 03m`: short enough for a status line, exact enough to compare runs. */
export function duration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.floor(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** A weight window as Binance names it in its used-weight header: `1m`, `2s`, `1h`, `1d`. */
export function windowName(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000]] as const) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${Math.round(ms / 1000)}s`;
}

const PHASE_TEXT: Record<string, string> = {
  starting: 'starting',
  'opening-database': 'opening the database',
  'reading-exchange-info': 'reading exchangeInfo',
  'ranking-universe': 'ranking the universe',
  planning: 'planning',
};

export function phaseText(phase: ProgressSnapshot['phase']): string {
  return PHASE_TEXT[phase] ?? phase;
}

/** Whole seconds, rounded up: "resumes in 0 s" would be wrong while it still waits. */
export function waitingText(waiting: NonNullable<ProgressSnapshot['waiting']>): string {
  const s = Math.max(1, Math.ceil(waiting.resumesInMs / 1000));
  return waiting.reason === 'budget' ? `waiting for the weight budget, resumes in ${s} s` : `rate-limited by the exchange (429), resumes in ${s} s`;
}

function weightText(w: ProgressSnapshot['weight']): string {
  return w.limit === null || w.windowMs === null ? `weight ${count(w.used)}` : `weight ${count(w.used)}/${count(w.limit)} per ${windowName(w.windowMs)}`;
}

const percent = (snap: ProgressSnapshot): string => `${Math.floor(snap.fraction * 100)}%`;
const candlesOf = (snap: ProgressSnapshot): string => `${count(snap.candles.written)}/${count(snap.candles.expected)} candles`;
const pagesOf = (snap: ProgressSnapshot): string => `${count(snap.pages.done)}/${count(snap.pages.planned)} pages`;
const seriesOf = (snap: ProgressSnapshot): string => `series ${snap.series.done}/${snap.series.total} (${snap.series.failed} failed)`;
const rateOf = (snap: ProgressSnapshot): string => `${snap.candlesPerSecond === null ? '-' : count(snap.candlesPerSecond)} candles/s`;
const etaOf = (snap: ProgressSnapshot): string => `ETA ${snap.etaMs === null ? '-' : duration(snap.etaMs)}`;

/** The segments of the figures after the bar, in the order they are dropped last to first when the line is too wide. */
function figureSegments(snap: ProgressSnapshot, paint: Paint): Segment[][] {
  const state: Segment[] = snap.waiting ? [{ text: waitingText(snap.waiting), style: paint.warn }] : [];
  return [
    [{ text: seriesOf(snap) }, { text: rateOf(snap) }, { text: `elapsed ${duration(snap.elapsedMs)}` }, { text: etaOf(snap) }],
    [...state, { text: weightText(snap.weight) }, { text: `retries ${snap.retries}` }, { text: `429s ${snap.rateLimited}` }],
  ];
}

/** Joins what fits in `width` columns, dropping segments from the end; the first is cut if even it does not fit. */
function fit(segments: readonly Segment[], width: number): string {
  const kept: Segment[] = [];
  let used = 0;
  for (const s of segments) {
    const add = (kept.length ? SEP.length : 0) + s.text.length;
    if (used + add > width) break;
    kept.push(s);
    used += add;
  }
  if (kept.length === 0 && segments[0]) return segments[0].text.slice(0, Math.max(0, width));
  return kept.map((s) => (s.style ? s.style(s.text) : s.text)).join(SEP);
}

/**
 * The live display's lines for a terminal `columns` wide: one line while starting up, then the bar and two lines
 * of figures. Each stays within `columns - 1`, so a terminal never wraps it and the redraw stays in place.
 */
export function terminalLines(snap: ProgressSnapshot, columns: number, paint: Paint): string[] {
  const width = Math.max(20, columns) - 1;
  if (snap.phase !== 'collecting' && snap.phase !== 'finished') return [fit([{ text: `${phaseText(snap.phase)}…` }, { text: duration(snap.elapsedMs) }], width)];
  const right = [percent(snap).padStart(4), candlesOf(snap), pagesOf(snap)].join(SEP);
  const barSize = Math.min(40, width - right.length - 1);
  let first: string;
  if (barSize >= 10) {
    const filled = Math.round(snap.fraction * barSize);
    first = `${paint.bar('█'.repeat(filled))}${'░'.repeat(barSize - filled)} ${right}`;
  } else {
    first = fit([{ text: percent(snap) }, { text: candlesOf(snap) }, { text: pagesOf(snap) }], width);
  }
  return [first, ...figureSegments(snap, paint).map((line) => fit(line, width))];
}

/** One plain line with every figure, for `--progress lines` (a log file, CI): no colour, no width limit. */
export function plainLine(snap: ProgressSnapshot): string {
  if (snap.phase !== 'collecting' && snap.phase !== 'finished') return `${phaseText(snap.phase)}  elapsed ${duration(snap.elapsedMs)}`;
  const [figures = [], budget = []] = figureSegments(snap, NO_PAINT);
  return [percent(snap), candlesOf(snap), pagesOf(snap), ...figures.map((s) => s.text), ...budget.map((s) => s.text)].join(SEP);
}

type SeriesFinished = Extract<RunEvent, { type: 'series-finished' }>;

/** A finished series, as it scrolls above the bar: `BTCUSDT 1h  7,200 candles  complete  8.5 s`. */
export function seriesLine(e: SeriesFinished, paint: Paint): string {
  const word = e.status === 'success' ? paint.good('complete') : e.status === 'failed' ? paint.bad('failed') : paint.warn('skipped');
  const why = e.error === null ? '' : `  (${e.error.replace(/^skipped: /, '')})`;
  return `${e.symbol} ${e.interval}  ${count(e.candles)} candles  ${word}  ${duration(e.ms)}${why}`;
}

/** The display's last line: how the run ended and how long the whole invocation took, start-up included. */
export function finalLine(snap: ProgressSnapshot, columns: number, paint: Paint): string {
  const status = snap.status ?? 'finished';
  const style = status === 'success' ? paint.good : status === 'failed' ? paint.bad : paint.warn;
  const segments: Segment[] = [
    { text: `${status} in ${duration(snap.elapsedMs)}`, style },
    { text: `${count(snap.candles.written)} candles` },
    { text: `${count(snap.pages.done)} pages` },
    { text: `${snap.series.done}/${snap.series.total} series${snap.series.failed ? `, ${snap.series.failed} failed` : ''}` },
    { text: `${count(snap.requests)} requests` },
    ...(snap.retries ? [{ text: `retries ${snap.retries}` }] : []),
    ...(snap.rateLimited ? [{ text: `429s ${snap.rateLimited}` }] : []),
  ];
  return fit(segments, Math.max(20, columns) - 1);
}
