import type { PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';
import { DatabaseError } from '../errors.js';
import { dataDirError, refusesWrites } from './data-dir-errors.js';
import { guardAbortedBackend } from './pglite-abort-guard.js';

type PostgresMod = PGlite['Module'];

/** The parts of the Emscripten module options PGlite leaves untyped (no @types/emscripten) that are used here. */
interface EmscriptenHooks {
  printErr?: (text: string) => void;
  onAbort?: (what: unknown) => void;
  preRun?: Array<(mod: PostgresMod) => void>;
}

/** Emscripten's NODEFS: every host file-system call goes through tryFSOperation, which turns Node's error into a bare errno. */
interface NodeFsLayer {
  tryFSOperation<T>(operation: () => T): T;
}

/**
 * PGlite's NODEFS file system on the data directory, watched: PGlite reports a host file system that refuses a
 * write (ENOSPC, EROFS, EACCES) as a bare errno or as "PGlite failed to initialize properly", and a PostgreSQL
 * PANIC as nothing at all (see db/pglite-abort-guard.ts). This layer remembers the refusal as Node reported it,
 * PostgreSQL's last FATAL or PANIC log line, and whether the backend aborted, so every failure can be told as what
 * it is.
 */
export class WatchedNodeFS extends NodeFS {
  /** How many refusals so far: a statement failed because of one if the count moved while it ran. */
  refusals = 0;
  private lastRefusal: NodeJS.ErrnoException | null = null;
  private lastFatal: string | null = null;
  /** Set when PostgreSQL aborted (a PANIC): the backend must not run again in this process. */
  aborted = false;

  constructor(
    location: string,
    /** The data directory the user named, for messages (PGlite's own dataDir is the store inside it). */
    private readonly userDataDir: string,
  ) {
    super(location);
  }

  override async init(pg: PGlite, opts: Partial<PostgresMod>): Promise<{ emscriptenOpts: Partial<PostgresMod> }> {
    const { emscriptenOpts } = await super.init(pg, opts);
    const hooks = emscriptenOpts as EmscriptenHooks;
    const watched: EmscriptenHooks = {
      printErr: (text) => {
        const fatal = /\b(?:FATAL|PANIC):\s+(.*)$/.exec(text);
        if (fatal) this.lastFatal = fatal[1] ?? null;
        hooks.printErr?.(text);
      },
      onAbort: () => {
        this.aborted = true;
      },
      preRun: [
        ...(hooks.preRun ?? []),
        (mod) => {
          this.watchFileSystem(mod.FS.filesystems.NODEFS as unknown as NodeFsLayer);
          guardAbortedBackend(mod, () => this.aborted, () => this.failure());
        },
      ],
    };
    return { emscriptenOpts: { ...emscriptenOpts, ...(watched as Partial<PostgresMod>) } };
  }

  private watchFileSystem(layer: NodeFsLayer): void {
    const tryOperation = layer.tryFSOperation.bind(layer);
    layer.tryFSOperation = <T>(operation: () => T): T =>
      tryOperation(() => {
        try {
          return operation();
        } catch (err) {
          if (refusesWrites(err)) {
            this.refusals++;
            this.lastRefusal = err;
          }
          throw err;
        }
      });
  }

  /** Why the backend stopped: the file system's refusal behind it if there was one, else PostgreSQL's own words. */
  failure(): DatabaseError {
    const refusal = this.lastRefusal && dataDirError(this.lastRefusal, this.userDataDir);
    if (refusal) return refusal;
    const why = this.lastFatal ? `: ${this.lastFatal}` : '';
    return new DatabaseError('embedded-database-crashed', `the embedded database in ${this.userDataDir} stopped after a fatal error${why}; committed data is kept, run again`);
  }

  /** What to report for a statement that failed with `err` while the refusal count stood at `refusalsBefore`. */
  explain(err: unknown, refusalsBefore: number): unknown {
    return this.aborted || this.refusals !== refusalsBefore ? this.failure() : err;
  }

  /** What to report for PGlite failing to start with `err`. */
  explainOpenFailure(err: unknown, location: string): DatabaseError {
    const refusal = dataDirError(this.lastRefusal ?? err, this.userDataDir);
    if (refusal) return refusal;
    const why = this.lastFatal ?? reasonOf(err);
    return new DatabaseError('embedded-open-failed', `cannot open the embedded database in ${location}: ${why}`, {}, { cause: err });
  }
}

/** PGlite's file-system errors carry an errno and no message; other failures say what they are. */
function reasonOf(err: unknown): string {
  const e = err as { message?: unknown; errno?: unknown } | null;
  if (typeof e?.message === 'string' && e.message !== '') return e.message;
  if (typeof e?.errno === 'number') return `a file-system operation failed (errno ${e.errno})`;
  return String(err);
}
