import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveConfig } from '../../src/config.js';
import { UsageError } from '../../src/errors.js';
import { localAddresses, type InterfaceAddress } from '../../src/system/local-addresses.js';
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

  // What os.networkInterfaces() gives on a Linux host with one network card: `lo` lists 127.0.0.1/8 only.
  const host: Record<string, InterfaceAddress[]> = {
    lo: [
      { address: '127.0.0.1', family: 'IPv4', internal: true, cidr: '127.0.0.1/8' },
      { address: '::1', family: 'IPv6', internal: true, cidr: '::1/128' },
    ],
    eth0: [
      { address: '192.0.2.2', family: 'IPv4', internal: false, cidr: '192.0.2.2/24' },
      { address: 'fe80::fc:ff:fe00:1', family: 'IPv6', internal: false, cidr: 'fe80::fc:ff:fe00:1/64' },
    ],
  };

  it('--local-address: an address of this host, the whole of 127.0.0.0/8 on Linux only, compared by value', () => {
    const linux = localAddresses(host, 'linux');
    const local = ['127.0.0.1', '127.0.0.2', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '192.0.2.2', 'fe80::fc:ff:fe00:1%eth0'];
    const foreign = ['128.0.0.1', '192.0.2.3', '::2', '10.0.0.1', 'localhost'];
    assert.deepEqual(local.filter(linux), local);
    assert.deepEqual(foreign.filter(linux), []);
    // Elsewhere (macOS, the BSDs) another loopback address binds only once configured, and then it is listed.
    assert.deepEqual(['127.0.0.1', '127.0.0.2'].filter(localAddresses(host, 'darwin')), ['127.0.0.1']);
  });

  it('--local-address over CRYPTOCOLLECT_LOCAL_ADDRESS over .env; one not of this host is a configuration error', () => {
    const isLocal = () => localAddresses(host, 'linux');
    assert.equal(resolveConfig({ localAddress: '127.0.0.3' }, { CRYPTOCOLLECT_LOCAL_ADDRESS: '127.0.0.2' }, {}, isLocal).localAddress, '127.0.0.3');
    assert.equal(resolveConfig({}, { CRYPTOCOLLECT_LOCAL_ADDRESS: ' 127.0.0.2 ' }, { CRYPTOCOLLECT_LOCAL_ADDRESS: '127.0.0.4' }, isLocal).localAddress, '127.0.0.2');
    assert.equal(resolveConfig({}, {}, { CRYPTOCOLLECT_LOCAL_ADDRESS: '127.0.0.4' }, isLocal).localAddress, '127.0.0.4');
    assert.equal(resolveConfig({}, {}, {}, isLocal).localAddress, undefined);
    const refused = (flag: string): string => {
      try {
        resolveConfig({ localAddress: flag }, {}, {}, isLocal);
      } catch (err) {
        assert.ok(err instanceof UsageError);
        assert.equal(err.exitCode, 2);
        return err.message;
      }
      return assert.fail(`${flag} was accepted`);
    };
    assert.equal(refused('10.0.0.1'), 'invalid configuration: --local-address=10.0.0.1 is not an address of this host (none of its network interfaces has it)');
    assert.equal(refused('host.example'), 'invalid configuration: --local-address="host.example" is not an IP address (e.g. 192.0.2.10 or 2001:db8::10)');
  });
});
