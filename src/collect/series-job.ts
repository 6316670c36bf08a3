import type { Range, Series } from '../domain.js';
import type { EmptyAnswerMeaning, PagePlan } from './candle-source.js';
import { firstUnproven } from '../planner/first-unproven.js';
import { normalizeRanges, subtractRanges } from '../planner/ranges.js';
import type { PageFacts } from './prepare-page.js';

export interface CollectJob {
  readonly series: Series;
  /** Ranges of open times to fetch. */
  readonly missing: readonly Range[];
  /** Set when the series cannot be collected at all (e.g. its symbol is no longer listed). */
  readonly error?: string;
  /** Set when the series is left alone this run (e.g. another process is collecting it). */
  readonly skip?: string;
  /**
   * Where the watermark may move: everything from the series' start up to `span.from` is collected (and up to
   * `vouched`, by the watermark as it stood), and the missing ranges lie within `span`. Absent when the run cannot
   * prove the way from the start (a backfill starting after the watermark).
   */
  readonly watermark?: { readonly span: Range; readonly vouched: number };
  /** Nothing is stored before the first missing range, so the exchange may have nothing there: see SeriesJob. */
  readonly head?: boolean;
  /**
   * The symbol is TRADING by this run's exchangeInfo: the exchange has at least its still-open candle, so an answer
   * with nothing at all from a point before the present on is wrong, not "not yet".
   */
  readonly trading?: boolean;
}

/**
 * - `page`: planned from the missing ranges; written in the order they were planned, so the index stays packed.
 * - `extra`: more of a page's range (an answer cut by its limit) or a second look at a range answered with nothing
 *   although candles exist after it; written as it comes.
 * - `confirm`: a second request for a range an earlier answer showed without candles; what it shows empty too is
 *   what two answers agree on, and is remembered.
 */
export type TaskKind = 'page' | 'extra' | 'confirm';

export interface Task {
  readonly kind: TaskKind;
  readonly range: Range;
  /** Write order of a `page` task. */
  readonly seq: number;
  /** The first page of a head range, which goes alone unless request slots would idle (SeriesJob). */
  readonly head: boolean;
  /** The range ends where another run's claim may begin: ask for no candle after it (CandleSource.fetchPage). */
  readonly exact: boolean;
}

/**
 * Room for pages fetched ahead of their turn to be written, shared by every series of a run: `perSeries` for each,
 * `total` for all. What waits there is memory, so it is bounded; the page whose turn it is never waits.
 */
export interface WriteBuffer {
  waiting: number;
  readonly perSeries: number;
  readonly total: number;
  /**
   * Tasks a series may hold at once — on the wire, waiting, or being written — before it asks for another page:
   * what a run killed at any instant loses of it at most. Absent: the other bounds alone hold it (large pages).
   */
  readonly held?: number;
  /**
   * Pages hold room others need while they wait (large pages: collect-series.ts): one that has waited this long for
   * a page still on the wire is written before it.
   */
  readonly patienceMs?: number;
}

/** A page's answer, sorted into what to store now and what needs another look. */
export interface SortedAnswer {
  readonly page: PageFacts;
  /** Empty ranges to remember now: confirmed by a second answer. */
  readonly remember: readonly Range[];
  /** Empty ranges seen by one answer only: asked again before they are remembered. */
  readonly unconfirmed: readonly Range[];
  /** Empty ranges from a source that cannot tell empty from unknown: neither remembered nor proven. */
  readonly unknown: readonly Range[];
}

/** How often a range answered with nothing, although candles exist after it, is asked again before the series fails. */
export const MAX_RECHECKS = 2;

/**
 * One series' share of a run: the pages still to ask (made lazily, so memory does not grow with the range), the
 * empty ranges waiting for a second answer, and what the answers proved — the only ground its watermark may cross.
 *
 * A head range (nothing stored before it: a new series, or one started earlier) begins with one page asked alone
 * while other series can use the request slots: without an end time its answer runs on to the first candle there
 * is, and the pages up to it are skipped, so a `--since` years before a listing costs that page and one request to
 * confirm the empty stretch rather than years of empty pages. With slots to spare (a run of a few series), the
 * pages after it go at once: a late listing then costs the few already on the wire.
 */
export class SeriesJob {
  readonly series: Series;
  error: string | null;
  requests = 0;
  written = 0;
  findings = 0;
  /** Tasks taken and not yet past their write. */
  alive = 0;

  private readonly cursor: PagePlan;
  private headOut = false;
  private readonly extras: Array<{ kind: TaskKind; range: Range }> = [];
  private unconfirmed: Range[] = [];
  private readonly proven: Range[] = [];
  private readonly notYet: Array<{ kind: TaskKind; range: Range }> = [];
  private readonly rechecks = new Map<number, number>();
  private newestSeen = Number.NEGATIVE_INFINITY;
  private nextSeq = 0;
  /** The `page` task whose turn it is to be written; those written before their turn are in `writtenAhead`. */
  private nextWrite = 0;
  private readonly writtenAhead = new Set<number>();
  private readonly onWire = new Set<number>();
  private waiting = 0;
  private readonly gateWaiters = new Map<number, () => void>();
  private head: boolean;
  private done = false;
  /** More ranges may be handed to it (claimed from other runs' reach, collect/claimed-work.ts): not done yet. */
  private open: boolean;
  /** Ends of claimed ranges after which the ground may be another run's. */
  private readonly fences = new Set<number>();
  private readonly aliveTasks = new Set<Task>();

  /**
   * `pages`: the source's plan for `job.missing`. `emptyAnswers`: what the source's "no candles here" means; only a
   * source that speaks for the exchange makes remembered exchange-empty ranges (collect/candle-source.ts).
   */
  constructor(
    readonly job: CollectJob,
    pages: PagePlan,
    private readonly buffer: WriteBuffer,
    private readonly emptyAnswers: EmptyAnswerMeaning = 'exchange-empty',
    opts: { readonly open?: boolean } = {},
  ) {
    this.series = job.series;
    this.error = job.error ?? job.skip ?? null;
    this.cursor = pages;
    this.open = opts.open === true;
    // A shared series' head is the claimed range that starts it, when this run claims that one (startsHead).
    this.head = job.head === true && !this.open;
  }

  /** No more ranges will be handed to it: once nothing is left to ask, the series is done for this run. */
  close(): void {
    this.open = false;
  }

  /** The first page of its ranges is a head page (nothing stored before it): it goes alone, as in a run's plan. */
  startsHead(): void {
    this.head = true;
  }

  /** Ground found collected already (by another run): proven for the watermark without a request. */
  vouch(ranges: readonly Range[]): void {
    this.proven.push(...ranges);
  }

  /** A claimed range ends at `t` and what follows may be another run's: no request asks past it. */
  fence(t: number): void {
    this.fences.add(t);
  }

  /** Whether anything of `r` is still to be answered or written: on the wire, waiting, or to be asked again. */
  inPlay(r: Range): boolean {
    const meets = (x: Range): boolean => x.from < r.to && x.to > r.from;
    for (const t of this.aliveTasks) if (meets(t.range)) return true;
    return this.extras.some((e) => meets(e.range)) || this.unconfirmed.some(meets) || this.notYet.some((n) => meets(n.range));
  }

  /**
   * Pages its plan still holds, to be handed out (an estimate where the source's plan cannot count): when few are
   * left over a run's shared series, the next range is claimed.
   */
  pagesLeft(): number {
    if (this.error !== null || this.done) return 0;
    return this.cursor.pagesLeft?.() ?? (this.cursor.current() === null ? 0 : 1);
  }

  /**
   * The next task to start now, if any. A series with nothing alive and nothing to take is finished for this run.
   * `speculate`: request slots would idle otherwise, so the pages after a head page may go before its answer.
   */
  take(speculate = false): Task | null {
    if (this.error !== null || this.done) return null;
    const extra = this.extras.shift();
    if (extra) return this.task(extra.kind, extra.range, false);
    // Second looks wait until no page of the series is on the wire: the stretches shown empty by answers that
    // arrived apart then merge into one request.
    if (this.onWire.size === 0 && this.unconfirmed.length > 0) {
      this.unconfirmed = normalizeRanges(this.unconfirmed);
      const confirm = this.unconfirmed.shift();
      if (confirm) return this.task('confirm', confirm, false);
    }
    if (this.headOut && !speculate) return null;
    if (this.head) {
      const first = this.cursor.next();
      if (!first) return null;
      this.head = false;
      this.headOut = true;
      return this.task('page', first, true);
    }
    if (this.nextSeq !== this.nextWrite) {
      // Fetching ahead waits for room in the buffer, unless the page whose turn it is is still on the wire: then the
      // series is held up by one slow or hung request, and what arrives while the buffer is full is written at once.
      if (this.bufferFull() && !this.onWire.has(this.nextWrite)) return null;
      // Pages written out of turn are in flight too: however the answers come back, a series holds at most `held`.
      if (this.alive >= (this.buffer.held ?? Number.POSITIVE_INFINITY)) return null;
    }
    const range = this.cursor.next();
    if (range) return this.task('page', range, false);
    if (this.alive > 0 || this.open) return null;
    // Work only ever comes from answers: with none on its way, what is left is a second look, or nothing.
    this.recheckContradictions();
    if (this.error === null && (this.extras.length > 0 || this.cursor.current() !== null)) return this.take();
    this.done = true;
    return null;
  }

  /** Nothing is left to ask, and nothing is on its way: the series is done for this run. */
  get finished(): boolean {
    return this.alive === 0 && (this.done || this.error !== null);
  }

  /**
   * Sorts a page's empty ranges: remembered at once only when a second answer agrees (a `confirm` task's own); from
   * a source that cannot tell empty from not known, never.
   */
  sort(task: Task, page: PageFacts): SortedAnswer {
    if (this.emptyAnswers === 'not-known') return { page, remember: [], unconfirmed: [], unknown: page.empties };
    return task.kind === 'confirm'
      ? { page, remember: page.empties, unconfirmed: [], unknown: [] }
      : { page, remember: [], unconfirmed: page.empties, unknown: [] };
  }

  /** What an answer tells about what to ask next; called as soon as it is in, before it is stored. */
  answered(task: Task, sorted: SortedAnswer, newestOpen: number | null): void {
    const { page } = sorted;
    if (newestOpen !== null) this.newestSeen = Math.max(this.newestSeen, newestOpen);
    this.unconfirmed.push(...sorted.unconfirmed);
    if (page.notYet) this.notYet.push({ kind: task.kind, range: page.notYet });
    if (task.head) this.headOut = false;
    if (page.rest) this.extras.push({ kind: task.kind === 'confirm' ? 'confirm' : 'extra', range: page.rest });
    // Only the plan after the page is skipped: ranges claimed out of order may lie before it.
    if (task.kind === 'page' && page.nextOpen !== null && (this.cursor.current()?.from ?? Number.POSITIVE_INFINITY) >= task.range.to) {
      // The answer ran on to a candle further than this page: the pages up to it would find nothing.
      const skipped = this.cursor.skipTo(page.nextOpen);
      // Skipped on a source's word that cannot vouch for it, the stretch stays unproven: no answer stored it.
      if (skipped && skipped.from >= task.range.to && this.emptyAnswers === 'exchange-empty') this.unconfirmed.push(skipped);
    }
  }

  /** The answer is stored: what it proved collected counts towards the watermark. */
  stored(task: Task, sorted: SortedAnswer): void {
    this.proven.push(...subtractRanges([{ from: task.range.from, to: sorted.page.answeredTo }], [...sorted.unconfirmed, ...sorted.unknown]));
  }

  /** What the stored answers covered (a later pass of another source plans around it: collect-locked.ts). */
  storedRanges(): Range[] {
    return normalizeRanges(this.proven);
  }

  /**
   * The watermark this run proved (null when it may not move: the series failed or was skipped). A hole it could not
   * prove moves it back there, even below what it vouched for; proving the whole span keeps what lay beyond it.
   */
  provenTo(): number | null {
    const w = this.job.watermark;
    if (!w || this.error !== null) return null;
    const to = firstUnproven(this.job.missing, this.proven, w.span.to);
    return to >= w.span.to ? Math.max(w.span.to, w.vouched) : to;
  }

  /** The task's answer is in (or its request gave up). */
  fetched(task: Task): void {
    this.onWire.delete(task.seq);
  }

  /**
   * Waits until every `page` task planned before this one has been written (or given up) — the index then grows at
   * its right edge and stays packed — unless the buffer is full while the page whose turn it is is still on the
   * wire, or (large pages) the page has waited its patience for one still on the wire: a hung request must not stop
   * the series, so the page is written out of turn.
   */
  async gate(task: Task): Promise<void> {
    if (task.kind !== 'page' || task.seq === this.nextWrite) return;
    if (this.bufferFull() && this.onWire.has(this.nextWrite)) return;
    this.waiting++;
    this.buffer.waiting++;
    await new Promise<void>((resolve) => {
      const patience = this.buffer.patienceMs;
      const timer =
        patience === undefined
          ? undefined
          : setTimeout(() => {
              if (!this.onWire.has(this.nextWrite) || this.gateWaiters.get(task.seq) !== go) return;
              this.gateWaiters.delete(task.seq);
              resolve();
            }, patience);
      const go = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.gateWaiters.set(task.seq, go);
    });
    this.waiting--;
    this.buffer.waiting--;
  }

  /** The task is past its write, stored or not: the next one in order may go. */
  release(task: Task): void {
    this.alive--;
    this.aliveTasks.delete(task);
    if (task.kind !== 'page') return;
    this.writtenAhead.add(task.seq);
    while (this.writtenAhead.delete(this.nextWrite)) this.nextWrite++;
    const next = this.gateWaiters.get(this.nextWrite);
    if (next) {
      this.gateWaiters.delete(this.nextWrite);
      next();
    }
  }

  private bufferFull(): boolean {
    return this.waiting >= this.buffer.perSeries || this.buffer.waiting >= this.buffer.total;
  }

  private task(kind: TaskKind, range: Range, head: boolean): Task {
    const seq = kind === 'page' ? this.nextSeq++ : -1;
    if (kind === 'page') this.onWire.add(seq);
    this.alive++;
    this.requests++;
    const task = { kind, range, seq, head, exact: this.fences.has(range.to) };
    this.aliveTasks.add(task);
    return task;
  }

  /**
   * An answer with nothing from some point on is wrong (a proxy or a faulty node answering `[]`) when other answers
   * show candles after that point, or when the symbol is trading and no answer showed any candle from there on, not
   * even the still-open one. It is asked again, and a series that keeps getting such answers fails rather than
   * passing for complete.
   */
  private recheckContradictions(): void {
    const left = this.notYet.splice(0);
    // A source that cannot vouch for the exchange contradicts nothing: what it lacks stays unproven.
    if (this.emptyAnswers === 'not-known') return;
    for (const r of left) {
      const later = r.range.from < this.newestSeen;
      if (!later && !(this.job.trading === true && this.newestSeen < r.range.from)) continue;
      const tries = this.rechecks.get(r.range.from) ?? 0;
      if (tries >= MAX_RECHECKS) {
        const why = later ? 'it has candles after it' : `${this.series.symbol} is trading`;
        this.error = `the exchange answered no candles from ${new Date(r.range.from).toISOString()} on ${tries + 1} times, though ${why}; run again later`;
        return;
      }
      this.rechecks.set(r.range.from, tries + 1);
      // A second look at a stretch that should hold candles: as pages again (it may be long), or as the second
      // answer it was to begin with.
      if (r.kind === 'confirm') this.extras.push({ kind: 'confirm', range: r.range });
      else this.cursor.prepend(r.range);
    }
  }
}
