// A CLI run that must end by itself. Past the limit it is killed and the test fails with what it printed, instead of
// hanging the suite: the limit is a generous bound on a hang, not a measure of speed.
import type { ChildProcess } from 'node:child_process';
import type { CliResult } from './run-cli.ts';

export const HANG_LIMIT_MS = 120_000;

export async function endsWithin(run: { child: ChildProcess; done: Promise<CliResult> }, limitMs = HANG_LIMIT_MS): Promise<CliResult> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), limitMs)));
  const outcome = await Promise.race([run.done, hung]);
  clearTimeout(timer);
  if (outcome !== 'hung') return outcome;
  run.child.kill('SIGKILL');
  const res = await run.done;
  throw new Error(`the CLI did not end within ${limitMs / 1000} s and was killed; stderr so far:\n${res.stderr}`);
}
