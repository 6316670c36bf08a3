import ora, { type Ora } from 'ora';

/** Human progress on stderr: drawn only on a terminal, silenced by --quiet; notes are single stderr lines. */
export interface Progress {
  update(text: string): void;
  note(text: string): void;
  stop(): void;
}

export function createProgress(options: { quiet: boolean; stream?: NodeJS.WriteStream }): Progress {
  const stream = options.stream ?? process.stderr;
  const spinning = !options.quiet && stream.isTTY === true && !process.env.CI;
  let spinner: Ora | undefined;
  return {
    update(text) {
      if (!spinning) return;
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
