// The examples are true for the CLI: every cryptocollect command line in the crontabs and the systemd unit runs,
// as written, against a database with series (exit 0, nothing printed under --quiet); cron lines name the binary
// by an absolute path, never npx; the system crontab has its user field. The freshness check, run under a fixed
// clock (libfaketime), flags a series behind its own interval and not a daily series twenty hours "behind", with
// the exit codes of a Nagios/Icinga plugin.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { usdtSymbol } from '../support/fake-exchange/index.ts';
import { BIN } from '../support/run-cli.ts';
import { scenario } from '../support/scenario.ts';
import type { Target } from '../support/targets.ts';
import { runTarget } from './run-in-process.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const read = (file: string): string => readFileSync(path.join(EXAMPLES, file), 'utf8');
const SHELL_OPERATOR = /^(>|>>|2>|2>&1|\||;|&&|\|\|)/;

interface CommandLine {
  readonly line: string;
  readonly schedule: string[];
  readonly user: string | undefined;
  readonly binary: string;
  readonly args: string[];
}

/** The job lines of a crontab (not comments, not NAME=value settings): schedule, user (cron.d), command. */
function cronLines(text: string, withUser: boolean): CommandLine[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && !/^[A-Z_]+=/.test(l))
    .map((line) => {
      const fields = line.split(/\s+/);
      const schedule = fields.slice(0, 5);
      const user = withUser ? fields[5] : undefined;
      const [binary = '', ...rest] = fields.slice(withUser ? 6 : 5);
      const end = rest.findIndex((t) => SHELL_OPERATOR.test(t));
      return { line, schedule, user, binary, args: end === -1 ? rest : rest.slice(0, end) };
    });
}

function settings(text: string): Map<string, string> {
  return new Map(
    text
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

const NOW = Date.UTC(2024, 5, 1, 20, 30, 0);
const H = 3_600_000;

describe('examples', { concurrency: false }, () => {
  const scene = scenario({ db: 'postgres', exchange: { now: NOW, symbols: [usdtSymbol('BTCUSDT'), usdtSymbol('ETHUSDT')] } });
  before(async () => {
    const res = await runTarget(scene.target, ['backfill', '--since', '2024-05-25', '--symbols', 'BTCUSDT,ETHUSDT', '--intervals', '1h,1d', '--quiet']);
    assert.equal(res.code, 0, res.stderr);
  });

  const cases: Array<[string, boolean]> = [
    ['cron.d/cryptocollect', true],
    ['crontab', false],
  ];
  for (const [file, withUser] of cases) {
    it(`${file}: absolute paths, no npx, and every cryptocollect line runs as written`, async () => {
      const text = read(file);
      const lines = cronLines(text, withUser);
      assert.ok(lines.length > 0);
      for (const l of text.split('\n').filter((x) => !x.trim().startsWith('#'))) assert.doesNotMatch(l, /\bnpx\b/, l);
      const url = settings(text).get('DATABASE_URL');
      assert.equal(new URL(url ?? '').password, '', 'no password in a crontab');
      for (const l of lines) {
        for (const field of l.schedule) assert.match(field, /^[\d*,/-]+$/, l.line);
        if (withUser) assert.equal(l.user, 'cryptocollect', l.line);
        assert.ok(path.isAbsolute(l.binary), `${l.line}: not an absolute path`);
        if (l.binary.endsWith('/check-freshness.sh')) {
          assert.ok(readdirSync(EXAMPLES).includes('check-freshness.sh'));
          continue;
        }
        assert.equal(path.basename(l.binary), 'cryptocollect', l.line);
        const res = await runTarget(scene.target, l.args);
        assert.deepEqual([res.code, res.stdout, res.stderr], [0, '', ''], l.line);
      }
    });
  }

  it('the systemd service: ExecStart by absolute path, as written; the timer fires hourly', async () => {
    const service = read('cryptocollect-forward.service');
    const exec = /^ExecStart=(\S+) (.*)$/m.exec(service);
    assert.ok(exec, 'an ExecStart line');
    assert.ok(path.isAbsolute(exec[1] ?? ''));
    assert.equal(path.basename(exec[1] ?? ''), 'cryptocollect');
    assert.match(service, /^User=cryptocollect$/m);
    const res = await runTarget(scene.target, (exec[2] ?? '').split(' '));
    assert.deepEqual([res.code, res.stdout, res.stderr], [0, '', '']);
    assert.match(read('cryptocollect-forward.timer'), /^OnCalendar=\*-\*-\* \*:02:00$/m);
  });

  describe('check-freshness.sh', () => {
    let bin: string;
    let target: Target;
    const libfaketime = readdirSync('/usr/lib')
      .map((d) => `/usr/lib/${d}/faketime/libfaketime.so.1`)
      .find((p) => existsSync(p));
    before(async () => {
      assert.ok(libfaketime, 'libfaketime is not installed (apt-get install faketime)');
      bin = await mkdtemp(path.join(tmpdir(), 'cc-examples-'));
      writeFileSync(path.join(bin, 'cryptocollect'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
      chmodSync(path.join(bin, 'cryptocollect'), 0o755);
      // BTCUSDT 5m collected six hours before the clock and left there; ETHUSDT hourly and daily current.
      target = await scene.makeTarget('postgres');
      scene.fake.setNow(NOW - 6 * H);
      const stale = await runTarget(target, ['backfill', '--since', '2024-05-31', '--symbols', 'BTCUSDT', '--interval', '5m', '--quiet']);
      assert.equal(stale.code, 0, stale.stderr);
      scene.fake.setNow(NOW);
      const current = await runTarget(target, ['backfill', '--since', '2024-05-25', '--symbols', 'ETHUSDT', '--intervals', '1h,1d', '--quiet']);
      assert.equal(current.code, 0, current.stderr);
    });
    after(() => rm(bin, { recursive: true, force: true }));

    /** A program with the local clock at the fake exchange's 20:30 UTC (libfaketime), the CLI on PATH's place. */
    const underClock = (file: string, args: string[], env: Record<string, string> = {}) =>
      spawnSync(file, args, {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          TZ: 'UTC',
          LD_PRELOAD: libfaketime,
          FAKETIME: '@2024-06-01 20:30:00',
          CRYPTOCOLLECT: path.join(bin, 'cryptocollect'),
          DATABASE_URL: target.databaseUrl,
          CRYPTOCOLLECT_DATA_DIR: target.dataDir,
          ...env,
        },
      });
    const check = (...args: string[]) => underClock('bash', [path.join(EXAMPLES, 'check-freshness.sh'), ...args]);

    it('flags the series behind its interval, not the daily one twenty hours "behind" (CRITICAL); OK once current; UNKNOWN without a database', async () => {
      const flagged = check();
      assert.equal(flagged.status, 2, flagged.stdout);
      assert.equal(flagged.stderr, '');
      const lines = flagged.stdout.trimEnd().split('\n');
      assert.equal(lines[0], 'UNHEALTHY: 1 problem');
      assert.equal(lines.length, 2, flagged.stdout);
      // Collected up to 14:30 (its newest closed 5m candle then): allowed the next 5 minutes and the 1h15m grace.
      assert.equal(lines[1], 'BTCUSDT 5m: 6h behind (allowed 1h 20m), collected until 2024-06-01T14:30:00.000Z');

      // The daily series is 20.5 hours behind the clock, as a current daily series is every evening: a fixed
      // two-hour rule would flag it; its own interval (until the next daily close, plus the grace) does not.
      const status = underClock(path.join(bin, 'cryptocollect'), ['status', '--check', '--json']);
      assert.equal(status.status, 5, status.stderr);
      const daily = (JSON.parse(status.stdout) as { series: Array<{ symbol: string; interval: string; lag_seconds: number; max_lag_seconds: number; healthy: boolean }> }).series.find(
        (s) => s.symbol === 'ETHUSDT' && s.interval === '1d',
      );
      assert.deepEqual({ ...daily, lag_seconds: 0 }, { symbol: 'ETHUSDT', interval: '1d', lag_seconds: 0, max_lag_seconds: 86_400 + 4500, gaps: 0, healthy: true });
      // The faked clock starts at 20:30 and runs on.
      assert.ok((daily?.lag_seconds ?? 0) >= 20.5 * 3600 && (daily?.lag_seconds ?? Infinity) < 20.5 * 3600 + 60, JSON.stringify(daily));

      const forward = await runTarget(target, ['forward', '--quiet']);
      assert.equal(forward.code, 0, forward.stderr);
      const ok = check();
      assert.deepEqual([ok.status, ok.stdout, ok.stderr], [0, 'OK: 3 series current, no gap, last runs succeeded\n', '']);
      const quiet = check('--quiet');
      assert.deepEqual([quiet.status, quiet.stdout, quiet.stderr], [0, '', '']);

      const unreachable = underClock('bash', [path.join(EXAMPLES, 'check-freshness.sh')], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
      assert.equal(unreachable.status, 3, unreachable.stdout);
      assert.match(unreachable.stdout, /^UNKNOWN: cannot reach PostgreSQL at 127\.0\.0\.1:1/);
    });
  });
});
