import type { PGlite } from '@electric-sql/pglite';

type PostgresMod = PGlite['Module'];

/** The status of PostgreSQL's longjmp back to its main loop in PGlite's build (pglitec.c, POSTGRES_MAIN_LONGJMP). */
const POSTGRES_MAIN_LONGJMP = 100;

/**
 * A PostgreSQL PANIC (a failed WAL write on a full disk, for one) ends in abort(), which in WebAssembly throws a
 * RuntimeError. PGlite's protocol loop (execProtocolRawSync) catches and drops it and carries on, and the next
 * message it feeds the dead backend — the Sync that PGlite's query() always sends after a failed statement — spins
 * for ever in XLogFlush, on the WAL-writing state (and locks) the aborted statement left behind. That loop is
 * synchronous, so the event loop never runs again: no signal handler, no timer, nothing ends the process but SIGKILL.
 *
 * Once `aborted()` is true, the entry points that loop uses stop running WebAssembly: one iteration raises
 * PostgreSQL's own longjmp status, which PGlite answers by calling _PostgresMainLongJmp — and that throws `failure()`
 * out of the loop, so the statement (and every later one) rejects with it.
 */
export function guardAbortedBackend(mod: PostgresMod, aborted: () => boolean, failure: () => Error): void {
  intercept(mod, '_PostgresMainLoopOnce', (loopOnce) => () => {
    if (!aborted()) {
      try {
        loopOnce();
        return;
      } catch (err) {
        if (!aborted()) throw err;
      }
    }
    throw Object.assign(new Error('the embedded database aborted'), { status: POSTGRES_MAIN_LONGJMP });
  });
  intercept(mod, '_PostgresMainLongJmp', (longJmp) => () => {
    if (aborted()) throw failure();
    longJmp();
  });
  for (const name of ['_PostgresSendReadyForQueryIfNecessary', '_pgl_pq_flush'] as const) {
    intercept(mod, name, (call) => () => {
      if (!aborted()) call();
    });
  }
}

type EntryPoint = '_PostgresMainLoopOnce' | '_PostgresMainLongJmp' | '_PostgresSendReadyForQueryIfNecessary' | '_pgl_pq_flush';

/**
 * Puts `wrap` around one of the module's exports for good. Emscripten's exports start as stubs that replace
 * themselves with the real function on their first call: a plain assignment would be overwritten then, so the
 * property keeps returning the wrapper and takes what the stub stores as the function to call.
 */
function intercept(mod: PostgresMod, name: EntryPoint, wrap: (call: () => void) => () => void): void {
  let current = mod[name];
  const wrapper = wrap(() => current());
  Object.defineProperty(mod, name, {
    configurable: true,
    get: () => wrapper,
    set: (fn: () => void) => {
      current = fn;
    },
  });
}

/**
 * Lets go of a backend that must not run again (it aborted, or never started): only the interval timer PostgreSQL
 * may have armed is cleared — during start-up it re-arms itself every 10 s, and as a Node timer it would keep the
 * process alive for ever. PGlite's own close() does the same first, then runs the backend's shutdown.
 */
export function abandonBackend(pg: PGlite): void {
  try {
    (pg.Module as PostgresMod | undefined)?._pgl_setPGliteActive(0);
  } catch {
    // The module never got far enough to arm a timer.
  }
}
