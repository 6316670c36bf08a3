// The progress display as a person sees it: the real CLI with stderr on a pseudo-terminal (util-linux's `script`),
// against the fake exchange with a weight budget small enough (40 per 4 s) that the limiter must wait: after the
// first, partial window, a whole window's 40 is spent in its first moments, so the wait that follows lasts seconds
// and its countdown ticks even on a loaded machine. Then the same runs with stderr a pipe: nothing at all, or with
// --progress lines plain lines without an escape code.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonOf } from '../support/run-cli.ts';
import { drawnPieces, runCliInTerminal, SGR } from '../support/run-cli-in-terminal.ts';
import { scenario } from '../support/scenario.ts';

const MIN = 60_000;
const NOW = Date.UTC(2024, 5, 1, 0, 30);
const SINCE = Date.UTC(2024, 4, 16);
/** 1m slots from SINCE up to the newest closed candle: 16 days and 30 minutes, 24 pages a series. */
const SLOTS_1M = (NOW - SINCE) / MIN;
const PAGES_1M = Math.ceil(SLOTS_1M / 1000);
const fmt = (n: number): string => n.toLocaleString('en-US');
/** A duration as the display writes it: tenths below 10 s (`8.5 s`), whole seconds to a minute (`12 s`), then `1m 05s`. */
const S = String.raw`(?:\d+(?:\.\d)? s|\d+m \d\ds)`;

interface Doc {
  status: string;
  requests: number;
  candles_written: number;
  series: Array<{ symbol: string; candles_written: number }>;
}

describe('progress', () => {
  const scene = scenario({ db: 'postgres', fresh: 'each', exchange: { now: NOW, latencyMs: 5, rateLimit: { interval: 'SECOND', intervalNum: 4, limit: 40 } } });
  const backfill = (symbols: string, interval: string): string[] => ['backfill', '--since', new Date(SINCE).toISOString(), '--symbols', symbols, '--interval', interval];

  it('on a terminal: start-up, the bar and its figures, the wait for the budget counting down, each series, the whole run’s time', async () => {
    const res = await runCliInTerminal(scene.target, [...backfill('BTCUSDT,ETHUSDT', '1m'), '--json']);
    assert.equal(res.code, 0, res.screen);
    const doc = JSON.parse(res.stdout) as Doc;
    assert.equal(doc.status, 'success');
    const perSeries = scene.fake.expectedKlines('BTCUSDT', '1m', SINCE, NOW).length;
    assert.equal(perSeries, SLOTS_1M, 'the fake has every candle: written and expected meet');
    assert.equal(doc.candles_written, 2 * perSeries);

    const pieces = drawnPieces(res.screen);
    const seen = (re: RegExp): string[] => pieces.filter((p) => re.test(p));
    // Start-up is shown from the first moment, with the time since the invocation began.
    assert.ok(seen(new RegExp(`^opening the database… {2}${S}$`)).length > 0, 'the opening phase');
    assert.ok(seen(new RegExp(`^reading exchangeInfo… {2}${S}$`)).length > 0, 'the exchangeInfo phase');
    // The bar: percent of the expected candles, written / expected, pages; at the start and at the end.
    const total = fmt(2 * SLOTS_1M);
    assert.ok(seen(new RegExp(`^░+ {3}0% {2}0/${total} candles {2}0/${2 * PAGES_1M} pages$`)).length > 0, 'the empty bar');
    assert.ok(seen(new RegExp(`^█+ 100% {2}${total}/${total} candles {2}${2 * PAGES_1M}/${2 * PAGES_1M} pages$`)).length > 0, 'the full bar');
    assert.ok(seen(/^█+░+ +[1-9]\d?% {2}[\d,]+\/[\d,]+ candles {2}\d+\/\d+ pages$/).length > 0, 'a bar part way');
    // Series done / total and failed, the pace, elapsed and ETA.
    assert.ok(seen(new RegExp(`^series 0/2 \\(0 failed\\) {2}- candles/s {2}elapsed ${S} {2}ETA -$`)).length > 0, 'before any pace');
    assert.ok(seen(new RegExp(`^series [012]/2 \\(0 failed\\) {2}[\\d,]+ candles/s {2}elapsed ${S} {2}ETA ${S}$`)).length > 0, 'with a pace');
    assert.ok(seen(/^series 2\/2 \(0 failed\) /).length > 0, 'every series done');
    // The weight against the budget the exchange advertised, retries and 429s.
    assert.ok(seen(/^weight \d+\/40 per 4s {2}retries 0 {2}429s 0$/).length > 0, 'the budget line');
    // The wait for the next window, said and counted down.
    const countdown = new Set(seen(/^waiting for the weight budget, resumes in \d s {2}weight \d+\/40 per 4s/).map((p) => /in (\d) s/.exec(p)?.[1]));
    assert.ok(countdown.size >= 2, `the countdown ticks: ${[...countdown].join(', ')}`);
    // Each series' result above the display, and a last line that counts from the invocation's start.
    for (const symbol of ['BTCUSDT', 'ETHUSDT']) assert.equal(seen(new RegExp(`^${symbol} 1m {2}${fmt(perSeries)} candles {2}complete {2}${S}$`)).length, 1, symbol);
    const last = pieces[pieces.length - 1] ?? '';
    assert.match(last, new RegExp(`^success in ${S} {2}${total} candles {2}${2 * PAGES_1M} pages {2}2/2 series {2}${doc.requests} requests$`));
    const elapsed = pieces.flatMap((p) => /elapsed (\d+(?:\.\d)?) s/.exec(p)?.[1] ?? []).map(Number);
    assert.ok(Number(/in (\d+(?:\.\d)?) s/.exec(last)?.[1]) >= Math.max(...elapsed), 'the last line’s time is the longest shown');
    // 80 columns: no piece wider than 79; in colour (a TTY without NO_COLOR); the cursor given back.
    for (const p of pieces) assert.ok(p.length <= 79, `${p.length} columns: ${p}`);
    assert.ok(res.screen.includes('\u001b[36m█'), 'the bar in cyan');
    assert.ok(res.screen.lastIndexOf('\u001b[?25h') > res.screen.lastIndexOf('\u001b[?25l'), 'the cursor is shown again');
  });

  it('NO_COLOR: the same display without colour', async () => {
    const res = await runCliInTerminal(scene.target, backfill('BTCUSDT', '1h'), { NO_COLOR: '1' });
    assert.equal(res.code, 0, res.screen);
    const n = scene.fake.expectedKlines('BTCUSDT', '1h', SINCE, NOW).length;
    const pieces = drawnPieces(res.screen);
    assert.ok(pieces.includes(`${'█'.repeat(40)} 100%  ${fmt(n)}/${fmt(n)} candles  1/1 pages`), pieces.join('\n'));
    assert.ok(pieces.some((p) => new RegExp(`^BTCUSDT 1h {2}${fmt(n)} candles {2}complete {2}${S}$`).test(p)));
    assert.equal(res.screen.match(SGR), null);
    assert.match(res.stdout, /BTCUSDT/, 'the result table still goes to stdout');
  });

  it('on a terminal, nothing with --progress none, --quiet or in CI', async () => {
    for (const [args, env] of [
      [['--progress', 'none'], {}],
      [['--quiet'], {}],
      [[], { CI: 'true' }],
    ] as const) {
      const res = await runCliInTerminal(scene.target, [...backfill('BTCUSDT', '1h'), ...args], env);
      assert.equal(res.code, 0, res.screen);
      assert.equal(res.screen, '', `${args.join(' ')} ${JSON.stringify(env)}`);
    }
  });

  it('--progress takes auto, lines or none', async () => {
    const res = await scene.run(['forward', '--progress', 'bars']);
    assert.equal(res.code, 2);
    assert.equal(res.stderr, "cryptocollect: option '--progress <mode>' argument 'bars' is invalid. Allowed choices are auto, lines, none.\n");
  });
});

// On a pipe, with the exchange's own budget (6,000 a minute): no wait, no 429 left by the runs above.
describe('progress on a pipe', () => {
  const scene = scenario({ db: 'postgres', fresh: 'each', exchange: { now: NOW, latencyMs: 5 } });
  const backfill = (symbols: string, interval: string): string[] => ['backfill', '--since', new Date(SINCE).toISOString(), '--symbols', symbols, '--interval', interval];

  it('stderr a pipe: not one byte of progress', async () => {
    const res = await scene.run([...backfill('BTCUSDT,ETHUSDT', '1h'), '--json']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(jsonOf<Doc>(res).status, 'success');
    assert.equal(res.stderr, '');
    const forward = await scene.run(['forward']);
    assert.equal(forward.code, 0, forward.stderr);
    assert.equal(forward.stderr, '');
  });

  it('stderr a pipe, --progress lines: plain lines with the figures, each series, the last line', async () => {
    const res = await scene.run([...backfill('BTCUSDT,ETHUSDT', '1h'), '--progress', 'lines', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const doc = jsonOf<Doc>(res);
    assert.equal(res.stderr.includes('\u001b'), false, 'no escape code');
    const n = scene.fake.expectedKlines('BTCUSDT', '1h', SINCE, NOW).length;
    const lines = res.stderr.trimEnd().split('\n');
    assert.match(lines[0] ?? '', new RegExp(`^opening the database {2}elapsed ${S}$`));
    assert.ok(lines.some((l) => new RegExp(`^reading exchangeInfo {2}elapsed ${S}$`).test(l)));
    assert.ok(lines.some((l) => new RegExp(`^planning {2}elapsed ${S}$`).test(l)));
    // Once every series is planned, the first line of figures.
    assert.ok(
      lines.some((l) =>
        new RegExp(`^0% {2}0/${fmt(2 * n)} candles {2}0/2 pages {2}series 0/2 \\(0 failed\\) {2}- candles/s {2}elapsed ${S} {2}ETA - {2}weight \\d+/6,000 per 1m {2}retries 0 {2}429s 0$`).test(l),
      ),
      lines.join('\n'),
    );
    for (const symbol of ['BTCUSDT', 'ETHUSDT']) assert.ok(lines.some((l) => new RegExp(`^${symbol} 1h {2}${fmt(n)} candles {2}complete {2}${S}$`).test(l)), symbol);
    assert.match(lines[lines.length - 1] ?? '', new RegExp(`^success in ${S} {2}${fmt(2 * n)} candles {2}2 pages {2}2/2 series {2}${doc.requests} requests$`));
  });
});
