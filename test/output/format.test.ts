// The compact forms of the human output: durations in two units, percentages never rounded up to 100%, times to
// the minute, and a status table built from known figures, line by line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StatusResult } from '../../src/commands/status.ts';
import { compactDuration, compactTime, percent } from '../../src/output/format.ts';
import { renderStatus, windowLabel } from '../../src/output/render-status.ts';
import { renderTable } from '../../src/output/table.ts';

describe('compact formats', () => {
  it('durations: two largest units, tenths under ten seconds for runs', () => {
    const cases: Array<[number, string, string]> = [
      [0, '0.0s', '0s'],
      [8.46, '8.5s', '8s'],
      [45, '45s', '45s'],
      [60, '1m', '1m'],
      [125, '2m 5s', '2m 5s'],
      [3600, '1h', '1h'],
      [7500, '2h 5m', '2h 5m'],
      [7559, '2h 5m', '2h 5m'],
      [86_400, '1d', '1d'],
      [273_600, '3d 4h', '3d 4h'],
      [90_061, '1d 1h', '1d 1h'],
    ];
    assert.deepEqual(
      cases.map(([s]) => [s, compactDuration(s), compactDuration(s, { tenths: false })]),
      cases,
    );
  });

  it('percentages: two decimals, floored', () => {
    assert.deepEqual([percent(1), percent(0.999999), percent(0.333333), percent(0.5), percent(0)], ['100.00%', '99.99%', '33.33%', '50.00%', '0.00%']);
  });

  it('times: UTC to the minute; seconds only when a candle has some and they are wanted', () => {
    assert.equal(compactTime('2024-11-12T00:00:00.000Z'), '2024-11-12 00:00');
    assert.equal(compactTime('2024-11-12T00:00:05.000Z'), '2024-11-12 00:00:05');
    assert.equal(compactTime('2024-11-12T00:00:05.000Z', { seconds: false }), '2024-11-12 00:00');
    assert.equal(compactTime(null), '-');
  });

  it('windows in hours up to two days, else as durations', () => {
    assert.deepEqual([86_400, 3600, 172_800, 604_800, 5400].map(windowLabel), ['24h', '1h', '48h', '7d', '1h 30m']);
  });

  it('a table leaves out its optional columns, last first, to fit the width', () => {
    const columns = [{ header: 'a' }, { header: 'b', optional: true }, { header: 'c', align: 'right' as const }, { header: 'd', optional: true }];
    const rows = [['xxxx', 'yyyy', 1234, 'zzzz']];
    assert.equal(renderTable(columns, rows, { width: 40 }), 'a     b         c  d\n----  ----  -----  ----\nxxxx  yyyy  1,234  zzzz');
    assert.equal(renderTable(columns, rows, { width: 18 }), 'a     b         c\n----  ----  -----\nxxxx  yyyy  1,234');
    // The required columns alone are wider: they are all there is.
    assert.equal(renderTable(columns, rows, { width: 10 }), 'a         c\n----  -----\nxxxx  1,234');
  });
});

const series = (symbol: string, interval: string, candles: number, missing: number, lag: number, findings = 0) => ({
  symbol,
  interval,
  start_time: '2024-01-01T00:00:00.000Z',
  first_open_time: '2024-01-01T00:00:00.000Z',
  last_open_time: '2024-11-12T00:00:00.000Z',
  candles,
  candles_by_source: { archive: 0, rest: candles },
  archive_files: 0,
  candles_expected: candles + missing,
  completeness: Math.floor((candles / (candles + missing)) * 1e6) / 1e6,
  gaps: missing > 0 ? 1 : 0,
  gap_candles: missing,
  exchange_empty_ranges: 0,
  collected_until: '2024-11-12T01:00:00.000Z',
  lag_seconds: lag,
  quality_findings: findings,
  quality: findings === 0 ? 1 : 0.5,
  state: 'active' as const,
  tracked_by: 'name' as const,
  universe_id: null,
  universe_rank: null,
  universe_quote_volume: null,
});
const stats = (runs: number, success: number, failed: number, avg: number | null, max: number | null, candles: number) => ({
  runs,
  success,
  partial: 0,
  failed,
  interrupted: 0,
  running: 0,
  success_rate: runs === 0 ? null : Math.floor((success / runs) * 1e6) / 1e6,
  avg_duration_seconds: avg,
  max_duration_seconds: max,
  candles_written: candles,
});
const counters = { requests: 3, weight: 6, retries: 0, rate_limited: 0 };

describe('status, rendered from known figures', () => {
  it('series, run statistics and recent runs, line by line', () => {
    const result: StatusResult = {
      series: [series('BTCUSDT', '1h', 7_632, 0, 7500), series('ETHUSDT', '1d', 317, 1, 45, 4)],
      run_stats: {
        window_seconds: 86_400,
        since: '2024-11-11T02:05:09.000Z',
        commands: [
          { command: 'backfill', ...stats(1, 1, 0, 512.4, 512.4, 7_948) },
          { command: 'forward', ...stats(3, 2, 1, 1.25, 2.5, 24) },
        ],
        total: stats(4, 3, 1, 129.062, 512.4, 7_972),
      },
      runs: [
        {
          id: 12,
          command: 'forward',
          args: {},
          status: 'failed',
          started_at: '2024-11-12T02:02:07.120Z',
          finished_at: '2024-11-12T02:02:09.620Z',
          duration_seconds: 2.5,
          ...counters,
          candles_written: 0,
          error: `the exchange failed: ${'x'.repeat(100)}`,
          series: [],
        },
      ],
    };
    assert.equal(
      renderStatus(result),
      [
        'symbol    int  since       last open         candles  complete  gaps    lag',
        '--------  ---  ----------  ----------------  -------  --------  ----  -----',
        'BTCUSDT   1h   2024-01-01  2024-11-12 00:00    7,632   100.00%     0  2h 5m',
        'ETHUSDT   1d   2024-01-01  2024-11-12 00:00      317    99.68%     1    45s',
        '--------  ---  ----------  ----------------  -------  --------  ----  -----',
        '2 series                                       7,949    99.98%     1  2h 5m',
        '',
        'Data quality:',
        'ETHUSDT 1d: 4 findings; 50.00% of its candles pass every check',
        '',
        'tracked by name: 2; by universe: 0 (cryptocollect series)',
        '',
        'Runs in the last 24h (since 2024-11-11 02:05):',
        'command   runs  success  problems     avg  longest  candles',
        '--------  ----  -------  --------  ------  -------  -------',
        'backfill     1  100.00%         0  8m 32s   8m 32s    7,948',
        'forward      3   66.66%         1    1.3s     2.5s       24',
        '--------  ----  -------  --------  ------  -------  -------',
        'all          4   75.00%         1   2m 9s   8m 32s    7,972',
        '',
        'Recent runs:',
        'run  command  status  started           duration  candles  requests',
        '---  -------  ------  ----------------  --------  -------  --------',
        '#12  forward  failed  2024-11-12 02:02      2.5s        0         3',
        `#12 failed: the exchange failed: ${'x'.repeat(80 - 34)}…`,
        '',
      ].join('\n'),
    );
  });
});
