// What the progress display says: the figures' wording, the lines fitting the terminal's width, the series result
// lines, the last line, and which events make the listener write what.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../src/events/run-events.ts';
import type { ProgressDisplay } from '../../src/output/progress-display.ts';
import type { ProgressSnapshot } from '../../src/output/progress-figures.ts';
import { ProgressFigures } from '../../src/output/progress-figures.ts';
import { progressListener } from '../../src/output/progress-listener.ts';
import { duration, finalLine, NO_PAINT, plainLine, seriesLine, terminalLines, waitingText, windowName } from '../../src/output/progress-text.ts';

const collecting: ProgressSnapshot = {
  phase: 'collecting',
  elapsedMs: 754_000,
  series: { total: 100, done: 42, failed: 3, skipped: 0 },
  pages: { done: 12_345, planned: 29_400 },
  candles: { written: 12_345_678, expected: 29_400_000 },
  fraction: 0.42,
  candlesPerSecond: 16_384.4,
  etaMs: 1_095_000,
  weight: { used: 5_790, limit: 6_000, windowMs: 60_000 },
  requests: 12_400,
  retries: 2,
  rateLimited: 1,
  waiting: null,
  status: null,
};
const waiting: ProgressSnapshot = { ...collecting, waiting: { reason: 'budget', resumesInMs: 11_200 } };

describe('progress wording', () => {
  it('durations, windows and the countdown', () => {
    assert.deepEqual([0, 400, 8_540, 42_900, 245_000, 7_380_000].map(duration), ['0.0 s', '0.4 s', '8.5 s', '42 s', '4m 05s', '2h 03m']);
    assert.deepEqual([60_000, 2_000, 3_600_000, 86_400_000, 1_500].map(windowName), ['1m', '2s', '1h', '1d', '2s']);
    assert.equal(waitingText({ reason: 'budget', resumesInMs: 11_200 }), 'waiting for the weight budget, resumes in 12 s');
    assert.equal(waitingText({ reason: 'budget', resumesInMs: 30 }), 'waiting for the weight budget, resumes in 1 s');
    assert.equal(waitingText({ reason: 'rate-limited', resumesInMs: 3_000 }), 'rate-limited by the exchange (429), resumes in 3 s');
  });

  it('the terminal lines: every figure on 80 columns, none wider than the terminal', () => {
    const lines = terminalLines(collecting, 80, NO_PAINT);
    assert.equal(lines.length, 3);
    assert.match(lines[0] ?? '', /^█+░+ {2}42% {2}12,345,678\/29,400,000 candles {2}12,345\/29,400 pages$/);
    assert.equal(lines[1], 'series 42/100 (3 failed)  16,384 candles/s  elapsed 12m 34s  ETA 18m 15s');
    assert.equal(lines[2], 'weight 5,790/6,000 per 1m  retries 2  429s 1');
    for (const columns of [80, 60, 40, 20]) {
      for (const snap of [collecting, waiting]) for (const line of terminalLines(snap, columns, NO_PAINT)) assert.ok(line.length <= columns - 1, `${columns}: ${line}`);
    }
    // Narrow: the bar goes first, then the figures at the end of a line.
    assert.equal(terminalLines(collecting, 40, NO_PAINT)[0], '42%  12,345,678/29,400,000 candles');
  });

  it('waiting is said on the budget line, and the start-up phase alone before', () => {
    assert.equal(terminalLines(waiting, 80, NO_PAINT)[2], 'waiting for the weight budget, resumes in 12 s  weight 5,790/6,000 per 1m');
    assert.deepEqual(terminalLines({ ...collecting, phase: 'ranking-universe', elapsedMs: 1_230 }, 80, NO_PAINT), ['ranking the universe…  1.2 s']);
  });

  it('a plain line carries every figure, waiting included, without escape codes', () => {
    assert.equal(
      plainLine(waiting),
      '42%  12,345,678/29,400,000 candles  12,345/29,400 pages  series 42/100 (3 failed)  16,384 candles/s  elapsed 12m 34s  ETA 18m 15s  waiting for the weight budget, resumes in 12 s  weight 5,790/6,000 per 1m  retries 2  429s 1',
    );
    assert.equal(plainLine({ ...collecting, phase: 'opening-database', elapsedMs: 300 }), 'opening the database  elapsed 0.3 s');
    assert.match(plainLine({ ...collecting, candlesPerSecond: null, etaMs: null, weight: { used: 20, limit: null, windowMs: null } }), / - candles\/s .* ETA - {2}weight 20 {2}/);
  });

  it('series results and the last line', () => {
    const e = { type: 'series-finished', symbol: 'BTCUSDT', interval: '1h', status: 'success', candles: 7_200, error: null, ms: 8_540 } as const;
    assert.equal(seriesLine(e, NO_PAINT), 'BTCUSDT 1h  7,200 candles  complete  8.5 s');
    assert.equal(seriesLine({ ...e, status: 'failed', candles: 0, error: 'the exchange no longer lists BTCUSDT', ms: 0 }, NO_PAINT), 'BTCUSDT 1h  0 candles  failed  0.0 s  (the exchange no longer lists BTCUSDT)');
    assert.equal(
      seriesLine({ ...e, status: 'skipped', candles: 0, error: 'skipped: another cryptocollect process is collecting this series right now', ms: 0 }, NO_PAINT),
      'BTCUSDT 1h  0 candles  skipped  0.0 s  (another cryptocollect process is collecting this series right now)',
    );
    const done: ProgressSnapshot = { ...collecting, phase: 'finished', status: 'partial', series: { total: 100, done: 100, failed: 3, skipped: 0 } };
    assert.equal(finalLine(done, Number.POSITIVE_INFINITY, NO_PAINT), 'partial in 12m 34s  12,345,678 candles  12,345 pages  100/100 series, 3 failed  12,400 requests  retries 2  429s 1');
    assert.equal(finalLine(done, 80, NO_PAINT), 'partial in 12m 34s  12,345,678 candles  12,345 pages  100/100 series, 3 failed');
  });
});

describe('progress listener', () => {
  function listen(): { calls: string[]; feed: (...events: RunEvent[]) => void } {
    const calls: string[] = [];
    const display: ProgressDisplay = { moved: () => void calls.push('moved'), log: (line) => void calls.push(`log ${line}`), stop: () => void calls.push('stop') };
    const listener = progressListener(new ProgressFigures(() => 0, 0), display, NO_PAINT);
    return { calls, feed: (...events) => events.forEach(listener) };
  }
  const finished = (symbol: string, status: 'success' | 'failed'): RunEvent => ({ type: 'series-finished', symbol, interval: '1h', status, candles: 0, error: status === 'failed' ? 'boom' : null, ms: 0 });

  it('moves on at each phase and once all series are planned; logs the series that fetched or did not succeed', async () => {
    const { calls, feed } = listen();
    feed({ type: 'phase', phase: 'opening-database' }, { type: 'phase', phase: 'planning' });
    feed(
      { type: 'series-planned', symbol: 'BTCUSDT', interval: '1h', pages: 2, candles: 1500 },
      { type: 'series-planned', symbol: 'ETHUSDT', interval: '1h', pages: 0, candles: 0 },
      { type: 'series-planned', symbol: 'XRPUSDT', interval: '1h', pages: 0, candles: 0 },
    );
    assert.deepEqual(calls, ['moved', 'moved'], 'the collecting line waits for the whole plan');
    await Promise.resolve();
    assert.deepEqual(calls, ['moved', 'moved', 'moved']);
    feed(finished('BTCUSDT', 'success'), finished('ETHUSDT', 'success'), finished('XRPUSDT', 'failed'));
    assert.deepEqual(calls.slice(3), ['log BTCUSDT 1h  0 candles  complete  0.0 s', 'log XRPUSDT 1h  0 candles  failed  0.0 s  (boom)']);
  });
});
