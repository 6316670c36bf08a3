/** What the CLI touches of the outside world, passed in so tests run it in-process with fake streams and env. */
export interface Io {
  readonly stdout: NodeJS.WritableStream;
  /** A WriteStream, not any writable: the progress spinner asks it whether it is a terminal. */
  readonly stderr: NodeJS.WriteStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stop: AbortSignal;
  /** Aborted a few seconds after `stop`: what is still on the wire then is abandoned. */
  readonly cancel: AbortSignal;
  /** When the invocation began (epoch ms): the process start from the bin, so reported durations cover start-up. */
  readonly startedAt?: number;
}
