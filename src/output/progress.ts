import type { Ora } from 'ora';

/** Human progress on stderr: drawn only on a terminal, silenced by --quiet; notes are single stderr lines. */
export interface Progress {
  update(text: string): void;
  note(text: string): void;
  stop(): void;
}

export async function createProgress(options: { quiet: boolean; stream?: NodeJS.WriteStream }): Promise<Progress> {
  const stream = options.stream ?? process.stderr;
  const spinning = !options.quiet && stream.isTTY === true && !process.env.CI;
  // ora is loaded only when a spinner can be drawn: cron and scripts never pay for it.
  const ora = spinning ? (await import('ora')).default : undefined;
  let spinner: Ora | undefined;
  return {
    update(text) {
      if (!ora) return;
      if (!spinner) spinner = ora({ text, stream, discardStdin: false }).start();
      else spinner.text = text;
    },
    note(text) {
      if (options.quiet) return;
      if (spinner?.isSpinning) {
        spinner.clear();
        stream.write(`${text}\n`);
        spinner.render();
      } else {
        stream.write(`${text}\n`);
      }
    },
    stop() {
      spinner?.stop();
      spinner = undefined;
    },
  };
}

export const silentProgress: Progress = { update: () => undefined, note: () => undefined, stop: () => undefined };
