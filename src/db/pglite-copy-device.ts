import type { PGlite } from '@electric-sql/pglite';
import { InternalError } from '../errors.js';

/** The calls of Emscripten's file system API (PGlite's `Module.FS`) that make a character device. */
interface DeviceFS {
  makedev(major: number, minor: number): number;
  registerDevice(dev: number, ops: DeviceOps): void;
  mkdev(path: string, dev: number): void;
  ErrnoError: new (errno: number) => Error;
}

/** Emscripten's operations of a character device; `position` is the stream's, which FS.read advances. */
interface DeviceOps {
  open(): void;
  close(): void;
  read(stream: unknown, buffer: Uint8Array, offset: number, length: number, position: number): number;
  llseek(stream: { position: number }, offset: number, whence: number): number;
}

const SEEK_CUR = 1;
const SEEK_END = 2;
/** Emscripten's EINVAL, for a seek before the start. */
const EINVAL = 28;

/**
 * A device PostgreSQL inside PGlite reads a COPY's data from (`COPY … FROM '/dev/cryptocollect-copy'`), in place of
 * PGlite's own `/dev/blob`. That one copies its data into PostgreSQL's buffer one byte at a time in JavaScript (0.3–0.4
 * CPU-s of the 12 the embedded headline job takes, on the thread that also runs PostgreSQL), and needs the pieces
 * joined into one buffer first; this one reads straight from the pieces, each read a native copy.
 *
 * Only Emscripten's documented device calls are used; a PGlite without them is refused at its start, as a bug of
 * the package (test/db/pglite-copy-device.test.ts checks the PGlite it installs).
 */
export class PgliteCopyDevice {
  static readonly PATH = '/dev/cryptocollect-copy';

  private pieces: readonly Uint8Array[] = [];
  private length = 0;
  /** The piece the last read stopped in, and where that piece starts in the data: PostgreSQL reads in order. */
  private piece = 0;
  private pieceStart = 0;

  private constructor() {}

  /** Makes the device in `pg`'s file system. */
  static install(pg: PGlite): PgliteCopyDevice {
    const fs = (pg.Module as unknown as { FS?: Partial<DeviceFS> }).FS;
    if (typeof fs?.makedev !== 'function' || typeof fs.registerDevice !== 'function' || typeof fs.mkdev !== 'function' || typeof fs.ErrnoError !== 'function') {
      throw new InternalError('this PGlite offers no file system device calls for the embedded database to COPY from');
    }
    const { ErrnoError } = fs;
    const device = new PgliteCopyDevice();
    // Major 64 is PGlite's /dev/blob (minor 0); Emscripten's own devices are majors 1, 5 and 6.
    const dev = fs.makedev(64, 42);
    fs.registerDevice(dev, {
      open: () => undefined,
      close: () => undefined,
      read: (_stream, buffer, offset, length, position) => device.read(buffer, offset, length, position),
      llseek: (stream, offset, whence) => {
        const to = offset + (whence === SEEK_CUR ? stream.position : whence === SEEK_END ? device.length : 0);
        if (to < 0) throw new ErrnoError(EINVAL);
        return to;
      },
    });
    fs.mkdev(PgliteCopyDevice.PATH, dev);
    return device;
  }

  /** Runs `copy` (one statement reading the device) with `pieces` as the device's data. */
  async serve<T>(pieces: readonly Uint8Array[], copy: () => Promise<T>): Promise<T> {
    this.pieces = pieces;
    this.length = pieces.reduce((n, p) => n + p.byteLength, 0);
    this.piece = 0;
    this.pieceStart = 0;
    try {
      return await copy();
    } finally {
      this.pieces = [];
      this.length = 0;
    }
  }

  /** Up to `length` bytes of the data from `position` into `buffer` at `offset`; how many (0 at the end). */
  read(buffer: Uint8Array, offset: number, length: number, position: number): number {
    if (position >= this.length || length <= 0) return 0;
    if (position < this.pieceStart) {
      this.piece = 0;
      this.pieceStart = 0;
    }
    const pieces = this.pieces;
    while (this.pieceStart + pieces[this.piece]!.byteLength <= position) this.pieceStart += pieces[this.piece++]!.byteLength;
    let n = 0;
    while (n < length && this.piece < pieces.length) {
      const p = pieces[this.piece]!;
      const from = position + n - this.pieceStart;
      const take = Math.min(p.byteLength - from, length - n);
      buffer.set(p.subarray(from, from + take), offset + n);
      n += take;
      if (from + take === p.byteLength) {
        this.pieceStart += p.byteLength;
        this.piece++;
      }
    }
    return n;
  }
}
