import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveConfig } from '../../src/config.js';
import { UsageError } from '../../src/errors.js';
import { parseDate } from '../../src/input/parse-date.js';
import { parseIntervals } from '../../src/input/parse-intervals.js';
import { parseSymbols } from '../../src/input/parse-symbols.js';
import { suggestSymbols } from '../../src/input/suggest-symbols.js';

describe('parseDate', () => {
  const ok: Array<[string, string]> = [
    ['2024-01-01', '2024-01-01T00:00:00.000Z'],
    ['2024-01-01T12:30', '2024-01-01T12:30:00.000Z'],
    ['2024-01-01T12:30:15.5Z', '2024-01-01T12:30:15.500Z'],
    ['2024-01-01T02:00:00+02:00', '2024-01-01T00:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2024-01-01T14:00:00+14:00', '2024-01-01T00:00:00.000Z'],
    ['2024-01-01T00:00:00-1200', '2024-01-01T12:00:00.000Z'],
  ];
  for (const [input, iso] of ok) it(`parses ${input}`, () => assert.equal(new Date(parseDate('--since', input)).toISOString(), iso));
  for (const bad of ['notadate', '2023-02-29', '2024-13-01', '2024-01-01T25:00', '01/02/2024', '', '2024-01-01T00:00+14:01', '2024-01-01T00:00-99:00', '2024-01-01T00:00+01:75']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => parseDate('--since', bad), UsageError));
  }
});

describe('parseSymbols', () => {
  it('accepts BTCUSDT, btcusdt and BTC/USDT as the same market', () => {
    assert.deepEqual(parseSymbols('BTCUSDT,btcusdt, BTC/USDT ,eth/usdt'), ['BTCUSDT', 'ETHUSDT']);
  });
  it('rejects characters outside the symbol alphabet', () => {
    assert.throws(() => parseSymbols("BTCUSDT'; drop table candles;--"), /not a valid symbol/);
    assert.throws(() => parseSymbols(','), /no symbol/);
  });
  it('suggests close matches', () => {
    assert.deepEqual(suggestSymbols('BTCUSTD', ['BTCUSDT', 'ETHUSDT', 'BTCUSDC', 'XRPBTC']), ['BTCUSDC', 'BTCUSDT']);
  });
});

describe('parseIntervals', () => {
  it('accepts every interval, case-sensitively', () => {
    assert.deepEqual(parseIntervals('1h,5m,1M,1h'), ['1h', '5m', '1M']);
    assert.throws(() => parseIntervals('1H'), /did you mean 1h/);
    assert.throws(() => parseIntervals('2d'), UsageError);
  });
});

describe('resolveConfig', () => {
  it('flag over environment over .env over default', () => {
    const c = resolveConfig({ baseUrl: 'http://flag:1' }, { BINANCE_BASE_URL: 'http://env:2', CRYPTOCOLLECT_CONCURRENCY: '4', HOME: '/home/u' }, {
      BINANCE_BASE_URL: 'http://dotenv:3',
      CRYPTOCOLLECT_CONCURRENCY: '2',
      CRYPTOCOLLECT_TIMEOUT: '9',
    });
    assert.equal(c.baseUrl, 'http://flag:1');
    assert.equal(c.concurrency, 4);
    assert.equal(c.timeoutMs, 9000);
    assert.equal(c.dataDir, '/home/u/.local/share/cryptocollect');
    assert.equal(resolveConfig({}, { XDG_DATA_HOME: '/xdg' }, {}).dataDir, '/xdg/cryptocollect');
    assert.equal(resolveConfig({}, {}, {}).baseUrl, 'https://api.binance.com');
  });

  it('reports every problem at once and never echoes a database URL', () => {
    try {
      resolveConfig({ databaseUrl: 'mysql://u:hunter2@h/db' }, { CRYPTOCOLLECT_CONCURRENCY: 'abc', BINANCE_BASE_URL: 'ftp://x' }, {});
      assert.fail('expected an error');
    } catch (err) {
      assert.ok(err instanceof UsageError);
      assert.match(err.message, /CRYPTOCOLLECT_CONCURRENCY="abc"/);
      assert.match(err.message, /BINANCE_BASE_URL/);
      assert.match(err.message, /--database-url is not a postgres/);
      assert.doesNotMatch(err.message, /hunter2/);
      assert.equal(err.exitCode, 2);
    }
  });
});
