import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Candle } from '../../src/domain.js';
import { compareDecimal } from '../../src/planner/compare-decimal.js';
import { validatePage } from '../../src/planner/validate-page.js';

describe('compareDecimal', () => {
  const cases: Array<[string, string, number]> = [
    ['1', '1.00000000', 0],
    ['0.00002853', '0.00002854', -1],
    ['16541.77000000', '16541.7', 1],
    ['100', '99.99999999', 1],
    ['-1.5', '1', -1],
    ['-1.5', '-1.4', -1],
    ['0', '-0.00000000', 0],
    ['007.10', '7.1', 0],
    ['0.5', '00.50', 0],
    ['10', '9.999', 1],
    ['0.00002853', '0.0000285', 1],
    ['12', '12.00000001', -1],
    ['123456789012345678901234567890.1', '123456789012345678901234567890.09', 1],
  ];
  for (const [a, b, want] of cases) it(`${a} vs ${b}`, () => {
    assert.equal(compareDecimal(a, b), want);
    assert.equal(compareDecimal(b, a), -want || 0);
  });

  it('decimals of one shape (length and dot, as prices come) and of different shapes: as exact integers compare', () => {
    let seed = 5;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const digits = (n: number): string => Array.from({ length: n }, () => String(next(next(3) === 0 ? 2 : 10))).join('');
    /** The decimal as an integer of 40 decimals, and its sign. */
    const exact = (s: string): bigint => {
      const neg = s.startsWith('-');
      const [int = '', frac = ''] = (neg ? s.slice(1) : s).split('.');
      const v = BigInt(int + frac.padEnd(40, '0'));
      return neg ? -v : v;
    };
    for (let k = 0; k < 3000; k++) {
      const intLen = 1 + next(6);
      const fracLen = next(9);
      const shape = (): string => digits(intLen) + (fracLen > 0 ? `.${digits(fracLen)}` : '');
      const a = shape();
      // Mostly the same shape; sometimes another length, or a sign.
      const b = k % 5 === 0 ? `${next(2) === 0 ? '-' : ''}${digits(1 + next(6))}.${digits(1 + next(8))}` : shape();
      const x = exact(a);
      const y = exact(b);
      const want = x < y ? -1 : x > y ? 1 : 0;
      assert.equal(compareDecimal(a, b), want, `${a} vs ${b}`);
      assert.equal(compareDecimal(b, a), -want || 0, `${b} vs ${a}`);
    }
  });
});

const H = 3_600_000;
const good = (open: number, over: Partial<Candle> = {}): Candle => ({
  openTime: open,
  closeTime: open + H - 1,
  open: '10.00000000',
  high: '12.00000000',
  low: '9.00000000',
  close: '11.00000000',
  volume: '5.00000000',
  quoteVolume: '50.00000000',
  trades: 7,
  takerBuyBaseVolume: '2.00000000',
  takerBuyQuoteVolume: '20.00000000',
  ...over,
});

describe('validatePage', () => {
  it('passes good candles, including flat ones with no trades', () => {
    const flat = good(H, { open: '10', high: '10', low: '10', close: '10', volume: '0', quoteVolume: '0', trades: 0, takerBuyBaseVolume: '0', takerBuyQuoteVolume: '0' });
    assert.deepEqual(validatePage({ from: 0, to: 10 * H }, [good(0), flat]), { candles: [good(0), flat], findings: [] });
  });

  it('flags each broken rule, keeps value-rule breakers, drops early and repeated open times, leaves later ones', () => {
    const page = [
      good(-1 * H), // before the requested start: the exchange should not have sent it
      good(0, { low: '10.50000000' }), // low above open
      good(H, { high: '10.99999999' }), // high below close
      good(2 * H, { volume: '-1.00000000' }),
      good(3 * H, { trades: -1 }),
      good(4 * H, { closeTime: 4 * H }),
      good(5 * H),
      good(5 * H, { close: '11.50000000' }),
      good(20 * H), // past the range: the answer runs on, the next page stores it
    ];
    const res = validatePage({ from: 0, to: 10 * H }, page);
    assert.deepEqual(
      res.findings.map((f) => [f.openTime / H, f.rule]),
      [
        [-1, 'outside-range'],
        [0, 'price-range'],
        [1, 'price-range'],
        [2, 'negative-volume'],
        [3, 'negative-trades'],
        [4, 'close-before-open'],
        [5, 'duplicate-open-time'],
      ],
    );
    assert.deepEqual(res.candles.map((c) => c.openTime / H), [0, 1, 2, 3, 4, 5]);
    assert.equal(res.candles[5]?.close, '11.00000000');
    assert.match(res.findings[3]?.detail ?? '', /volume -1\.00000000/);
  });
});
