// An error no code of ours expected is a bug: one line that says so and names the version, exit 1.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { documentOf, runInProcess } from './run-in-process.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** An environment that throws a TypeError when the configuration is read: a stand-in for any bug. */
function brokenEnv(): Record<string, string | undefined> {
  return new Proxy<Record<string, string | undefined>>(
    {},
    {
      get(_target, key) {
        if (key === 'DATABASE_URL') throw new TypeError('boom');
        return undefined;
      },
    },
  );
}

describe('a bug', () => {
  const line = `cryptocollect: internal error: boom; this is a bug, please report it with cryptocollect ${version} and the command (run with --verbose for the stack)\n`;

  it('is one line asking to report it, exit 1', async () => {
    const res = await runInProcess(['status'], { env: brokenEnv() });
    assert.equal(res.code, 1);
    assert.equal(res.stderr, line);
    assert.equal(res.stdout, '');
  });

  it('with --json is an internal error document', async () => {
    const res = await runInProcess(['status', '--json'], { env: brokenEnv() });
    assert.equal(res.code, 1);
    assert.deepEqual(documentOf(res), { error: { code: 'internal', message: line.slice('cryptocollect: '.length, -1), exit_code: 1, details: {} } });
  });

  it('with --verbose adds the stack', async () => {
    const res = await runInProcess(['status', '--verbose'], { env: brokenEnv() });
    assert.equal(res.code, 1);
    assert.ok(res.stderr.startsWith(line), res.stderr);
    assert.match(res.stderr, /TypeError: boom\n\s+at /);
  });
});
