// The fixture of the CLI scenarios: a fake exchange and a database target pointed at it, made before the tests of the
// describe() it is called in and cleaned up after them — also when a test or a hook fails.
//
//   describe('core on postgres', () => {
//     const scene = scenario({ db: 'postgres', exchange: { now: NOW } });
//     it('…', async () => {
//       const res = await scene.run(['backfill', …]);
//       assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1h'), scene.fake.expectedKlines(…));
//     });
//   });
import { after, before, beforeEach } from 'node:test';
import { createFakeExchange, type FakeExchange, type FakeExchangeOptions } from './fake-exchange/index.ts';
import { runCli, startCli, type CliResult } from './run-cli.ts';
import { releaseStore } from './stored-rows.ts';
import { makeTarget, type DbKind, type Target, type TargetOptions } from './targets.ts';

export interface ScenarioOptions extends TargetOptions {
  /** The database of `scene.target`; none when the tests make their own with `scene.makeTarget`. */
  db?: DbKind;
  /** Options of the fake exchange. */
  exchange?: FakeExchangeOptions;
  /** Extra environment of every CLI run against `scene.target`. */
  env?: Record<string, string>;
  /** 'each': a new target before every test, and a fake exchange with no faults and no requests recorded. */
  fresh?: 'once' | 'each';
}

export interface Scenario {
  readonly fake: FakeExchange;
  readonly target: Target;
  /** Runs the CLI against `target` to its end. */
  run(args: string[]): Promise<CliResult>;
  /** Starts the CLI against `target`, for tests that signal or kill it (once the test's own handle on an embedded store is closed). */
  start(args: string[]): Promise<ReturnType<typeof startCli>>;
  /** Another target on the same fake exchange, cleaned up with the scenario. */
  makeTarget(kind: DbKind, env?: Record<string, string>, options?: TargetOptions): Promise<Target>;
}

export function scenario(options: ScenarioOptions = {}): Scenario {
  let fake: FakeExchange | undefined;
  let target: Target | undefined;
  const extra: Target[] = [];
  const { db, exchange, env = {}, fresh = 'once', ...targetOptions } = options;

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`scene.${what} is made in before(): use it inside a test or a hook`);
    return value;
  };
  const newTarget = async (): Promise<void> => {
    await target?.cleanup();
    target = undefined;
    if (db) target = await makeTarget(db, ready(fake, 'fake').url, env, targetOptions);
  };

  before(async () => {
    fake = await createFakeExchange(exchange);
    if (fresh === 'once') await newTarget();
  });
  if (fresh === 'each') {
    beforeEach(async () => {
      const f = ready(fake, 'fake');
      f.clearFaults();
      f.resetRequests();
      await newTarget();
    });
  }
  after(async () => {
    await Promise.all([target?.cleanup(), ...extra.map((t) => t.cleanup())]);
    await fake?.close();
  });

  return {
    get fake() {
      return ready(fake, 'fake');
    },
    get target() {
      return ready(target, db ? 'target' : 'target (give scenario() a db)');
    },
    run(args) {
      return runCli(this.target, args);
    },
    async start(args) {
      const target = this.target;
      await releaseStore(target.dataDir);
      return startCli(target, args);
    },
    async makeTarget(kind, targetEnv = {}, opts = {}) {
      const t = await makeTarget(kind, ready(fake, 'fake').url, targetEnv, opts);
      extra.push(t);
      return t;
    },
  };
}
