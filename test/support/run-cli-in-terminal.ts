// Runs the real CLI with its stderr on a pseudo-terminal (util-linux's `script`), 80 columns wide, the way a person
// at a terminal sees it; stdout goes to a file, so what the terminal shows is the progress display alone.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { targetEnv } from '../contract/run-in-process.ts';
import { BIN, type CliTarget } from './run-cli.ts';

export interface TerminalResult {
  code: number | null;
  /** Every byte the terminal received: the CLI's stderr, escape codes and all. */
  screen: string;
  stdout: string;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export async function runCliInTerminal(target: CliTarget, args: string[], env: Record<string, string> = {}, columns = 80): Promise<TerminalResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cc-tty-'));
  const out = path.join(dir, 'stdout');
  try {
    const command = `stty cols ${columns} rows 24; exec ${[process.execPath, BIN, ...args].map(quote).join(' ')} > ${quote(out)}`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: { ...targetEnv(target), PATH: process.env.PATH, ...env },
      cwd: target.cwd ?? target.dataDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let screen = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (screen += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (err !== '') throw new Error(`script said: ${err}`);
    return { code, screen, stdout: await readFile(out, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** SGR sequences: colours, which take no column. */
// eslint-disable-next-line no-control-regex
export const SGR = /\u001b\[[0-9;]*m/g;

/**
 * The pieces of text the terminal was given to draw, colours removed: every other escape sequence (cursor moves,
 * clears) and every carriage return or newline ends a piece.
 */
export function drawnPieces(screen: string): string[] {
  return (
    screen
      .replace(SGR, '')
      // eslint-disable-next-line no-control-regex
      .split(/\u001b\[[0-9;?]*[A-Za-z]|\r|\n/)
      .map((s) => s.trimEnd())
      .filter((s) => s !== '')
  );
}
