import { spawn } from 'node:child_process';

/** What became of the hook: its exit, or why it is not known to have succeeded. */
export type HookOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface HookOptions {
  /** How long the command may take; then its process group gets SIGTERM, and SIGKILL KILL_AFTER_MS later. */
  readonly timeoutMs: number;
  /** Where the command's own stdout and stderr go (ours is stdout: the one JSON document stays alone there). */
  readonly output: NodeJS.WritableStream;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** After SIGTERM, how long the hook's processes get before SIGKILL. */
export const KILL_AFTER_MS = 2000;

/** After the hook's shell exits, how long its output may take to drain. */
const DRAIN_MS = 200;

/**
 * `--on-failure CMD`: runs CMD through `/bin/sh -c` with `document` (the run's JSON, or the error's) on stdin, in a
 * process group of its own so that a timeout ends whatever it started too (`curl` under a shell). Never throws:
 * whatever the hook does, the caller's exit code stays the run's.
 */
export function runOnFailure(command: string, document: unknown, options: HookOptions): Promise<HookOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: HookOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(term);
      resolve(outcome);
    };
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'], detached: true, env: options.env ?? process.env, cwd: options.cwd });
    const group = (signal: NodeJS.Signals): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    let timedOut = false;
    let kill: NodeJS.Timeout | undefined;
    const term = setTimeout(() => {
      timedOut = true;
      group('SIGTERM');
      kill = setTimeout(() => group('SIGKILL'), KILL_AFTER_MS);
    }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => options.output.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => options.output.write(chunk));
    child.on('error', (err) => done({ ok: false, reason: `could not be started: ${err.message}` }));
    child.on('exit', (code, signal) => {
      clearTimeout(kill);
      const outcome: HookOutcome = timedOut
        ? { ok: false, reason: `took longer than ${options.timeoutMs / 1000} s and was terminated` }
        : code === 0
          ? { ok: true }
          : { ok: false, reason: code !== null ? `exited with ${code}` : `was killed by ${signal ?? 'a signal'}` };
      // Its last output is still in the pipes: let it drain, but a process it left in the background holding them
      // must not keep this one alive.
      const drained = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        done(outcome);
      }, DRAIN_MS);
      child.once('close', () => {
        clearTimeout(drained);
        done(outcome);
      });
    });
    // A hook that reads nothing (or exits at once) closes its stdin early: that is its business.
    child.stdin.on('error', () => undefined);
    child.stdin.end(`${JSON.stringify(document, null, 2)}\n`);
  });
}
