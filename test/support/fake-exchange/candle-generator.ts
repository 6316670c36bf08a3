// Deterministic synthetic candles. Every value is a pure function of (symbol, interval, open time)
// — plus now() for the still-open candle — so any page is computable on its own in O(page).
//
// Prices follow a smooth curve P(t) (a sum of sinusoids from multi-year to seconds, exponentiated):
// a candle opens at P(open) and closes at P(next open), so consecutive candles join up and every
// interval agrees on prices at shared instants. High/low add hash-seeded wicks; volumes and trade
// counts are hash-seeded too. A small share of candles is flat (no trades, volume 0), as on Binance.
import { formatUnits, mulUnits, scaleUnits } from './decimal.ts';
import { hashString, unit } from './hash.ts';
import { closeTimeOf, nominalMs, type Interval } from './intervals.ts';
import type { SymbolProfile } from './symbol-profile.ts';
import type { RealKline } from './types.ts';

const DAY = 86_400_000;
/** [period in days, amplitude of log-price]. */
const COMPONENTS: ReadonlyArray<readonly [number, number]> = [
  [1461, 0.6], [211, 0.25], [29.3, 0.1], [5.1, 0.04], [1, 0.015],
  [0.13, 0.006], [0.0143, 0.0025], [0.00213, 0.001], [0.000173, 0.0003],
];
const FLAT_SHARE = 0.003;
/** Integer periods in ms, so `t % period` is exact and sin() gets a small argument (much faster). */
const PERIODS_MS = COMPONENTS.map(([days]) => Math.round(days * DAY));
const TWO_PI = 2 * Math.PI;

/** The synthetic mid price at instant t (float, in quote units). */
export function priceAt(p: SymbolProfile, t: number): number {
  let x = 0;
  for (let i = 0; i < COMPONENTS.length; i++) {
    const period = PERIODS_MS[i]!;
    x += COMPONENTS[i]![1] * Math.sin((TWO_PI * (t % period)) / period + p.phases[i]!);
  }
  return p.basePrice * Math.exp(x);
}

/** Price rounded to the symbol's tick, in 1e-8 units, never below one tick. */
function priceUnits(p: SymbolProfile, t: number): bigint {
  return BigInt(priceTicks(p, priceAt(p, t))) * BigInt(p.tickUnits);
}

function priceTicks(p: SymbolProfile, price: number): number {
  return Math.max(1, Math.round((price * 1e8) / p.tickUnits));
}

// The price a candle closes at is the next one's open: a page's candles each need it twice, one call apart.
let lastPriceProfile: SymbolProfile | null = null;
let lastPriceTime = NaN;
let lastPrice = 0;
function priceAtOnce(p: SymbolProfile, t: number): number {
  if (p !== lastPriceProfile || t !== lastPriceTime) {
    lastPrice = priceAt(p, t);
    lastPriceProfile = p;
    lastPriceTime = t;
  }
  return lastPrice;
}

const intervalSalt = new Map<string, number>();
function seedFor(p: SymbolProfile, interval: Interval): number {
  let s = intervalSalt.get(interval);
  if (s === undefined) intervalSalt.set(interval, (s = hashString(interval)));
  return (p.seed ^ s) >>> 0;
}

/** floor(n × elapsed / dur) in exact integer maths (floats could round a final value down by one). */
function grow(n: number, elapsed: number, dur: number): number {
  return elapsed >= dur ? n : Number((BigInt(n) * BigInt(elapsed)) / BigInt(dur));
}

const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/**
 * The candle opening at `open` (a grid open time). When `now` falls inside it (open ≤ now ≤ close
 * time) it is the still-open candle: close follows P(now) and wicks, volumes and trades are the final
 * ones scaled by the elapsed fraction, so a client storing it holds values that differ from the final.
 */
export function generateCandle(p: SymbolProfile, interval: Interval, open: number, now = Infinity): RealKline {
  return now > closeTimeOf(interval, open) ? (finalCandle(p, interval, open) ?? bigintCandle(p, interval, open, now)) : bigintCandle(p, interval, open, now);
}

/** generateCandle in BigInt throughout: any candle, the still-open one included. */
function bigintCandle(p: SymbolProfile, interval: Interval, open: number, now: number): RealKline {
  const closeTime = closeTimeOf(interval, open);
  const seed = seedFor(p, interval);
  const dur = closeTime - open + 1;
  const elapsed = now > closeTime ? dur : Math.max(0, now - open);
  const partial = elapsed < dur;
  const tick = BigInt(p.tickUnits);
  const o = priceUnits(p, open);

  if (unit(seed, open, 1) < FLAT_SHARE) {
    const s = formatUnits(o);
    const zero = formatUnits(0n);
    return [open, s, s, s, s, zero, closeTime, zero, 0, zero, zero, '0'];
  }

  const finalClose = priceUnits(p, closeTime + 1);
  const c = partial ? priceUnits(p, now) : finalClose;
  // Wicks: proportional to √(minutes) like a random walk's range; the body mid-point is included
  // so long candles span the curve's excursion.
  const minutes = nominalMs(interval) / 60_000;
  const wickScale = (priceAt(p, open) * 1e8 * 0.0007 * Math.sqrt(minutes)) / p.tickUnits;
  const upTicks = Math.floor(wickScale * unit(seed, open, 2));
  const downTicks = Math.floor(wickScale * unit(seed, open, 3));
  const mid = partial ? c : priceUnits(p, open + Math.floor(dur / 2));
  const bodyHigh = max(max(o, c), mid);
  const bodyLow = min(min(o, c), mid);
  const h = bodyHigh + tick * BigInt(grow(upTicks, elapsed, dur));
  const l = max(tick, bodyLow - tick * BigInt(grow(downTicks, elapsed, dur)));

  const dailyCycle = 1 + 0.4 * Math.sin((TWO_PI * (open % DAY)) / DAY + p.phases[11]!);
  const usd = p.usdPerMinute * minutes * (0.25 + 1.5 * unit(seed, open, 4)) * dailyCycle;
  const steps = Math.min(Number.MAX_SAFE_INTEGER / 4, Math.floor(usd / p.baseUsd / p.volStep));
  const takerSteps = Math.floor(steps * (0.3 + 0.4 * unit(seed, open, 5)));
  const trades = steps === 0 ? 0 : Math.max(1, Math.round(usd / p.avgTradeUsd));
  const stepUnits = BigInt(p.volStepUnits);
  const vol = scaleUnits(BigInt(steps), elapsed, dur) * stepUnits;
  const taker = scaleUnits(BigInt(takerSteps), elapsed, dur) * stepUnits;
  const vwap = (o + h + l + c) / 4n;
  return [
    open, formatUnits(o), formatUnits(h), formatUnits(l), formatUnits(c), formatUnits(vol), closeTime,
    formatUnits(mulUnits(vol, vwap)), grow(trades, elapsed, dur),
    formatUnits(taker), formatUnits(mulUnits(taker, vwap)), '0',
  ];
}

/**
 * A closed candle as bigintCandle makes it, value for value, at a fraction of its cost (the fake serves and the tests
 * expect millions): the same floats in the same order, and the integer maths in doubles, which is exact while every
 * value stays a safe integer; the two products of a volume and a price, which need not, stay BigInt. Undefined when
 * a value would not be safe (bigintCandle then makes the candle).
 */
function finalCandle(p: SymbolProfile, interval: Interval, open: number): RealKline | undefined {
  const closeTime = closeTimeOf(interval, open);
  const seed = seedFor(p, interval);
  const dur = closeTime - open + 1;
  const tick = p.tickUnits;
  const openPrice = priceAtOnce(p, open);
  const o = priceTicks(p, openPrice) * tick;
  if (unit(seed, open, 1) < FLAT_SHARE) {
    if (!Number.isSafeInteger(o)) return undefined;
    const s = unitsText(o);
    return [open, s, s, s, s, ZERO_TEXT, closeTime, ZERO_TEXT, 0, ZERO_TEXT, ZERO_TEXT, '0'];
  }
  const c = priceTicks(p, priceAtOnce(p, closeTime + 1)) * tick;
  const minutes = nominalMs(interval) / 60_000;
  const wickScale = (openPrice * 1e8 * 0.0007 * Math.sqrt(minutes)) / p.tickUnits;
  const upTicks = Math.floor(wickScale * unit(seed, open, 2));
  const downTicks = Math.floor(wickScale * unit(seed, open, 3));
  const mid = priceTicks(p, priceAt(p, open + Math.floor(dur / 2))) * tick;
  const h = Math.max(o, c, mid) + tick * upTicks;
  const l = Math.max(tick, Math.min(o, c, mid) - tick * downTicks);

  const dailyCycle = 1 + 0.4 * Math.sin((TWO_PI * (open % DAY)) / DAY + p.phases[11]!);
  const usd = p.usdPerMinute * minutes * (0.25 + 1.5 * unit(seed, open, 4)) * dailyCycle;
  const steps = Math.min(Number.MAX_SAFE_INTEGER / 4, Math.floor(usd / p.baseUsd / p.volStep));
  const takerSteps = Math.floor(steps * (0.3 + 0.4 * unit(seed, open, 5)));
  const trades = steps === 0 ? 0 : Math.max(1, Math.round(usd / p.avgTradeUsd));
  const vol = steps * p.volStepUnits;
  const taker = takerSteps * p.volStepUnits;
  const sum = o + h + l + c;
  // o, c and mid are safe when h is (h ≥ each, all positive); l is at most h; the sum bounds the four.
  if (!Number.isSafeInteger(sum) || !Number.isSafeInteger(vol) || !Number.isSafeInteger(taker) || !Number.isSafeInteger(steps * 1)) return undefined;
  if (!Number.isSafeInteger(tick * upTicks) || !Number.isSafeInteger(tick * downTicks)) return undefined;
  const vwap = BigInt((sum - (sum % 4)) / 4);
  return [
    open, unitsText(o), unitsText(h), unitsText(l), unitsText(c), unitsText(vol), closeTime,
    formatUnits(mulUnits(BigInt(vol), vwap)), trades,
    unitsText(taker), formatUnits(mulUnits(BigInt(taker), vwap)), '0',
  ];
}

const ZERO_TEXT = formatUnits(0n);

/** formatUnits for a safe, non-negative integer held in a double. */
function unitsText(units: number): string {
  const frac = units % 100_000_000;
  const whole = (units - frac) / 100_000_000;
  const fracText = String(frac);
  return `${whole}.${fracText.length === 8 ? fracText : '00000000'.slice(fracText.length) + fracText}`;
}
