import type { FileHandle } from 'node:fs/promises';

/** Where an export's bytes go, with backpressure: a write resolves once the destination took the chunk. */
export interface ByteSink {
  write(chunk: string | Uint8Array): Promise<void>;
  /** Bytes taken so far. */
  readonly bytes: number;
}

/** The reader of stdout went away (`| head`): not a failure of the export, the end of it. */
export class ReaderGone extends Error {
  constructor() {
    super('the reader of stdout closed the pipe');
  }
}

/**
 * A stream (stdout). A reader that closes the pipe makes the stream emit EPIPE: the next write, or the one
 * waiting for 'drain' (which would never come), fails with ReaderGone instead of hanging or throwing.
 */
export function streamSink(stream: NodeJS.WritableStream): ByteSink {
  let failure: Error | undefined;
  const waiters = new Set<(err?: Error) => void>();
  const fail = (err: Error): void => {
    failure ??= (err as NodeJS.ErrnoException).code === 'EPIPE' ? new ReaderGone() : err;
    for (const w of waiters) w(failure);
    waiters.clear();
  };
  stream.on('error', fail);
  stream.on('close', () => fail(new ReaderGone()));
  let bytes = 0;
  return {
    get bytes() {
      return bytes;
    },
    async write(chunk) {
      if (failure) throw failure;
      const size = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      const ok = stream.write(chunk);
      bytes += size;
      if (ok) return;
      await new Promise<void>((resolve, reject) => {
        const done = (err?: Error): void => {
          waiters.delete(done);
          stream.removeListener('drain', onDrain);
          if (err) reject(err);
          else resolve();
        };
        const onDrain = (): void => done();
        waiters.add(done);
        stream.once('drain', onDrain);
      });
    },
  };
}

/** A file: each chunk written before the next is taken. */
export function fileSink(handle: FileHandle): ByteSink {
  let bytes = 0;
  return {
    get bytes() {
      return bytes;
    },
    async write(chunk) {
      const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      let done = 0;
      while (done < data.byteLength) done += (await handle.write(data, done, data.byteLength - done)).bytesWritten;
      bytes += data.byteLength;
    },
  };
}
