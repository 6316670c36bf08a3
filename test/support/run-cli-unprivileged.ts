// Runs the real CLI as a user without privileges: as root (CI) that is `nobody`, since root ignores permission bits;
// as anyone else, that user. For the tests of folders the CLI may not write.
import { execFileSync, spawn } from 'node:child_process';
import { BIN, type CliResult } from './run-cli.ts';

export const RUNS_AS_ROOT = process.getuid?.() === 0;

function nobody(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

export function runCliUnprivileged(dataDir: string, args: string[]): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, CRYPTOCOLLECT_DATA_DIR: dataDir, BINANCE_BASE_URL: 'http://127.0.0.1:9' },
    cwd: '/',
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(RUNS_AS_ROOT ? nobody() : {}),
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out.stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out.stderr += d));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, ...out })));
}
