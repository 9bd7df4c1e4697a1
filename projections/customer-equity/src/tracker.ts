import type { DatabaseSync } from 'node:sqlite';
import { openSqliteFile } from '@roc-ledger/store-sqlite';
import { earliestOf, MONEY_EVENT_TYPES, MoneyLog, moneyEventOf, periodOf, periodsBetween, readMoneyLog, SEGMENTS, type EquityOptions, type EquityPoint, type LedgerMoney, type MoneyEvent, type PeriodUnit } from '@roc-ledger/clv';
import { equityPointsOffThread, equitySeriesOffThread } from './offThread.ts';
import { changesFiguresFrom } from './changesFrom.ts';
import { checkBusyShare, DEFAULT_MAX_BUSY_SHARE, nextUpdateDelay, type Pacing } from './pacing.ts';
import { NO_PERSONAL_DATA, followLog, type EventStore, type Follower } from '@roc-ledger/ledger';

/** A past figure that changed because events about that past arrived after it was reported. */
export interface Restatement {
  readonly seq: number;
  readonly period: string;
  /** When the ledger learned what changed it (transaction time of the latest causing event). */
  readonly recordedAt: string;
  readonly old: Figures;
  readonly new: Figures;
  /** The events, recorded after the period had ended, that happened in or before it. */
  readonly causedBy: readonly { readonly eventId: string; readonly type: string; readonly occurredAt: string; readonly recordedAt: string }[];
}

export interface Figures {
  readonly equityStart: number | null;
  readonly equityEnd: number | null;
  readonly cashFlow: number;
  readonly roc: number | null;
}

export interface StoredPoint extends EquityPoint {
  /** The newest transaction time the point was computed with: a point computed at or after its period's end is a reported figure. */
  readonly computedAt: string;
}

const figures = (p: EquityPoint): Figures => ({ equityStart: p.equityStart, equityEnd: p.equityEnd, cashFlow: p.cashFlow, roc: p.roc });
/** Equal to the cent (money) and to 1e-9 (ROC). */
const sameFigures = (a: Figures, b: Figures): boolean =>
  [
    [a.equityStart, b.equityStart, 0.005],
    [a.equityEnd, b.equityEnd, 0.005],
    [a.cashFlow, b.cashFlow, 0.005],
    [a.roc, b.roc, 1e-9],
  ].every(([x, y, tolerance]) => (x === null || y === null ? x === y : Math.abs((x as number) - (y as number)) < (tolerance as number)));

/** An event of a batch and the earliest instant it changes figures from (changesFiguresFrom). */
interface EventChange {
  readonly event: MoneyEvent;
  readonly from: number;
}

/** Raise it when the valuation changes: series kept under an older version are computed again. */
const KNOWN_AT_VERSION = 1;

export interface EquityTrackerOptions extends Omit<EquityOptions, 'period' | 'segments'> {
  readonly store: EventStore;
  /** The read-model database file (readmodels.db), or ':memory:'. */
  readonly path: string;
  readonly period?: PeriodUnit;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
  /**
   * Least time between two recomputations (default 2,000 ms): events arriving meanwhile are taken
   * together; a lone event after a quiet spell is taken at once. Each recomputation rereads the
   * money events and refits the models of every period it touches (on a worker thread), so live
   * traffic must not trigger one per event.
   */
  readonly minIntervalMs?: number;
  /**
   * The share of time recomputations may take (default 0.25): after one that took D ms the next
   * waits at least D × (1 − share) / share, so that on a large ledger under load the series
   * falls behind a little rather than taking the CPU that ingestion and queries need.
   */
  readonly maxBusyShare?: number;
}

/**
 * Keeps the customer-equity and ROC series current, from the log. When money events arrive, the
 * periods from the earliest one they happened in up to the current one are computed again (the
 * periods before cannot change: their figures use only what happened by their end). A reported
 * figure (computed at or after its period's end) that changes is kept as a restatement, with the
 * old and new figures and the late events that caused it.
 */
export class EquityTracker {
  private readonly db: DatabaseSync;
  private readonly options: EquityTrackerOptions;
  private readonly unit: PeriodUnit;
  private follower: Follower | undefined;
  private updating: Promise<void> = Promise.resolve();
  /** The money events read since the last recomputation, as much of each as it reads (but see keepEach). */
  private pending: MoneyEvent[] = [];
  /**
   * Whether each event read is kept in `pending`. Not on a new read model until the first batch is
   * taken: that batch is computed from scratch over the money log, which holds every event, and
   * restates nothing, so only how far it reaches is kept (`readThrough`), not ~350 bytes an event
   * (~75 MB of heap through the first series on the bench's million-event ledger).
   */
  private keepEach = true;
  /** The position of the last money event read. */
  private readThrough = 0;
  private checkpoint = 0;
  private caughtUpTo = 0;
  private scheduled = false;
  /** The last recomputation: when it started and how long it took. */
  private lastUpdate: { startedAt: number; durationMs: number } | undefined;
  private readonly pacing: Pacing;
  private recomputed = false;
  private moneyLog: MoneyLog | undefined;
  private stopped = false;
  private readonly waiters: { position: number; resolve: () => void }[] = [];
  private markCurrent!: () => void;
  /** Resolves once the series has been brought up to the log as it was when the tracker started. */
  readonly current: Promise<void> = new Promise((resolve) => (this.markCurrent = resolve));

  constructor(options: EquityTrackerOptions) {
    this.options = options;
    this.unit = options.period ?? 'month';
    this.pacing = { minIntervalMs: options.minIntervalMs ?? 2_000, maxBusyShare: checkBusyShare(options.maxBusyShare ?? DEFAULT_MAX_BUSY_SHARE) };
    this.db = openSqliteFile(options.path, { setup: (db) => db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      CREATE TABLE IF NOT EXISTS equity_points (unit TEXT NOT NULL, period TEXT NOT NULL, start TEXT NOT NULL, point TEXT NOT NULL, PRIMARY KEY (unit, period)) STRICT;
      CREATE TABLE IF NOT EXISTS equity_restatements (seq INTEGER PRIMARY KEY, unit TEXT NOT NULL, period TEXT NOT NULL, recorded_at TEXT NOT NULL, body TEXT NOT NULL) STRICT;
      CREATE TABLE IF NOT EXISTS equity_checkpoints (unit TEXT PRIMARY KEY, position INTEGER NOT NULL) STRICT;
      CREATE TABLE IF NOT EXISTS equity_known_at (unit TEXT NOT NULL, known_at TEXT NOT NULL, version INTEGER NOT NULL, points TEXT NOT NULL, PRIMARY KEY (unit, known_at)) STRICT;
    `) });
    const row = this.db.prepare('SELECT position FROM equity_checkpoints WHERE unit = ?').get(this.unit) as { position: number } | undefined;
    this.checkpoint = row?.position ?? 0;
  }

  get period(): PeriodUnit {
    return this.unit;
  }

  /** The options that value the series (horizon, rate, models), without the tracker's own. */
  private get valuation(): Omit<EquityOptions, 'period' | 'segments'> {
    const { store: _store, path: _path, period: _period, log: _log, minIntervalMs: _interval, maxBusyShare: _share, ...valuation } = this.options;
    return valuation;
  }

  /** Whether the series is valued as a query without valuation options values it (no horizon, rate or models given). */
  get valuedByDefault(): boolean {
    return Object.values(this.valuation).every((value) => value === undefined);
  }

  /** The valuation options alone (plain data, so that a worker thread can be given them). */
  get equityOptions(): EquityOptions {
    return { ...this.valuation, period: this.unit, segments: SEGMENTS };
  }

  /** Follows the log from the checkpoint: each time it has read everything stored, the series is brought up to date. */
  start(): void {
    // From the log's first event the follower reads every money event: the money log is built from
    // what it reads rather than read again at the first recomputation.
    if (this.checkpoint === 0) {
      this.moneyLog ??= new MoneyLog();
      this.keepEach = false;
    }
    this.follower = followLog({
      after: this.checkpoint,
      subscribe: (after) =>
        this.options.store.subscribe({
          after,
          types: [...MONEY_EVENT_TYPES],
          openPersonalData: NO_PERSONAL_DATA,
          onCaughtUp: (position) => {
            this.caughtUpTo = position;
            this.schedule();
          },
        }),
      handle: (event) => {
        const money = moneyEventOf(event);
        // Once loaded, the money log holds every money event up to what the follower has read.
        this.moneyLog?.add(money);
        this.readThrough = money.globalPosition;
        if (this.keepEach) this.pending.push(money);
      },
      onRetry: (error, after, attempt) => this.options.log?.('reading the log failed; retrying', { after, attempt, error: String(error) }),
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.follower?.close();
    await this.updating;
    if (this.db.isOpen) this.db.close();
  }

  /** One recomputation at a time, paced by minIntervalMs and maxBusyShare; a failed one keeps its events for the next. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      this.updating = this.updating.then(async () => {
        this.scheduled = false;
        if (this.stopped) return;
        // The timer was set before the recomputation running then had ended: its pause starts now.
        if (nextUpdateDelay(this.pacing, this.lastUpdate, Date.now()) > 0) return this.schedule();
        const events = this.pending;
        // Events read after the last catch-up was reported are in the batch too: the cut runs through the last of them.
        const position = Math.max(this.caughtUpTo, this.readThrough);
        this.pending = [];
        // Events read from now on may restate what this batch computes: each is kept.
        this.keepEach = true;
        const startedAt = Date.now();
        try {
          await this.update(events, position);
        } catch (error) {
          this.pending = [...events, ...this.pending];
          // Queries waiting for the first series answer with what is stored rather than hang.
          this.markCurrent();
          this.options.log?.('equity update failed; retried with the next events', { error: String(error) });
        } finally {
          // The first brings the series up to the log at start (from nothing on a new read model, a
          // long computation on a large ledger): it sets no pause, the ones after it do.
          this.lastUpdate = this.recomputed ? { startedAt, durationMs: Date.now() - startedAt } : undefined;
          this.recomputed = true;
        }
      });
    }, nextUpdateDelay(this.pacing, this.lastUpdate, Date.now())).unref();
  }

  /** Resolves once the series reflects the log up to this position. */
  waitFor(position: number): Promise<void> {
    if (this.checkpoint >= position) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ position, resolve }));
  }

  series(): StoredPoint[] {
    return (this.db.prepare('SELECT point FROM equity_points WHERE unit = ? ORDER BY start').all(this.unit) as { point: string }[]).map((r) => JSON.parse(r.point) as StoredPoint);
  }

  /**
   * The series as known at a past instant, if it was computed before. Such a series is final:
   * events recorded later have later transaction times, so nothing can change it (see querySeries).
   */
  keptKnownAt(unit: PeriodUnit, knownAt: Date): EquityPoint[] | undefined {
    const row = this.db.prepare('SELECT points FROM equity_known_at WHERE unit = ? AND known_at = ? AND version = ?').get(unit, knownAt.toISOString(), KNOWN_AT_VERSION) as { points: string } | undefined;
    return row && (JSON.parse(row.points) as EquityPoint[]);
  }

  /** The kept series as known at the earliest instant after `knownAt`, if any: the nearest later cut to compute an earlier one from (knownAtFromLater). */
  keptAfter(unit: PeriodUnit, knownAt: Date): { knownAt: Date; points: EquityPoint[] } | undefined {
    const row = this.db.prepare('SELECT known_at, points FROM equity_known_at WHERE unit = ? AND version = ? AND known_at > ? ORDER BY known_at LIMIT 1').get(unit, KNOWN_AT_VERSION, knownAt.toISOString()) as { known_at: string; points: string } | undefined;
    return row && { knownAt: new Date(row.known_at), points: JSON.parse(row.points) as EquityPoint[] };
  }

  /**
   * The tracked series with the log position it stands at, read together. Its points are exactly
   * what the events up to that position give (each recomputation reads the money through the
   * position it caught up to, and keeps only the periods its events cannot change); the open
   * period is valued as of its last recomputation.
   */
  trackedCut(): { through: number; points: EquityPoint[] } {
    this.db.exec('BEGIN');
    try {
      const row = this.db.prepare('SELECT position FROM equity_checkpoints WHERE unit = ?').get(this.unit) as { position: number } | undefined;
      return { through: row?.position ?? 0, points: this.series().map(({ computedAt: _computedAt, ...point }) => point) };
    } finally {
      this.db.exec('COMMIT');
    }
  }

  hasKnownAt(unit: PeriodUnit, knownAt: Date): boolean {
    return this.db.prepare('SELECT 1 FROM equity_known_at WHERE unit = ? AND known_at = ? AND version = ?').get(unit, knownAt.toISOString(), KNOWN_AT_VERSION) !== undefined;
  }

  keepKnownAt(unit: PeriodUnit, knownAt: Date, points: readonly EquityPoint[]): void {
    if (!this.db.isOpen) return;
    this.db
      .prepare('INSERT INTO equity_known_at (unit, known_at, version, points) VALUES (?, ?, ?, ?) ON CONFLICT (unit, known_at) DO UPDATE SET version = excluded.version, points = excluded.points')
      .run(unit, knownAt.toISOString(), KNOWN_AT_VERSION, JSON.stringify(points));
  }

  restatements(): Restatement[] {
    return (this.db.prepare('SELECT seq, body FROM equity_restatements WHERE unit = ? ORDER BY seq').all(this.unit) as { seq: number; body: string }[]).map((r) => ({ seq: r.seq, ...(JSON.parse(r.body) as Omit<Restatement, 'seq'>) }));
  }

  private async update(events: MoneyEvent[], position: number): Promise<void> {
    const head = await this.options.store.head();
    const recompute = events.length > 0 || this.series().length === 0;
    // Exactly the log up to the position caught up to: the events of this batch and every one before, none after (see trackedCut).
    const log = recompute || this.moneyLog ? await this.moneyThrough(position) : undefined;
    if (recompute) {
      const now = head.recordedAt ? Date.parse(head.recordedAt) : Date.now();
      // Events read since are in the money log too, and in the next batch.
      const money = log!.cut({ through: position });
      // Once per event: for a merge it scans every movement.
      const changes = events.map((event) => ({ event, from: changesFiguresFrom(event, money) }));
      const stored = new Map(this.series().map((p) => [p.period, p]));
      const recomputed = stored.size === 0 ? await this.fromScratch(money, now) : await this.fromEarliest(money, now, changes, stored);
      this.save(recomputed, changes, now, position);
    }
    this.checkpoint = Math.max(this.checkpoint, position);
    this.markCurrent();
    this.db.prepare('INSERT INTO equity_checkpoints (unit, position) VALUES (?, ?) ON CONFLICT (unit) DO UPDATE SET position = max(position, excluded.position)').run(this.unit, this.checkpoint);
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i]!.position <= this.checkpoint) this.waiters.splice(i, 1)[0]!.resolve();
    }
  }

  /**
   * The money events through `position` (and any read since): read from the log the first time
   * after a restart, then kept in memory, each event added as the follower reads it, so that no
   * recomputation reads every money event again (4 s on 2.7 million events). About 110 bytes per
   * money event (65 MB for 590,815).
   */
  private async moneyThrough(position: number): Promise<MoneyLog> {
    if (!this.moneyLog) {
      const log = await readMoneyLog(this.options.store, { through: position });
      // What the follower read meanwhile (past the position) is in the next batch, and from now on in the log.
      for (const event of this.pending) log.add(event);
      this.moneyLog = log;
      return log;
    }
    this.moneyLog.caughtUpTo(position);
    return this.moneyLog;
  }

  /**
   * The money events up to the tracked position, in memory: what the series as known at a past
   * instant is cut from (knownAtFromLater). Waits for a recomputation in progress; the first call
   * on a restarted service reads them from the log.
   */
  money(): Promise<MoneyLog> {
    const loaded = this.updating.then(() => this.moneyThrough(this.checkpoint));
    this.updating = loaded.then(
      () => undefined,
      () => undefined,
    );
    return loaded;
  }

  /** Every period, on a worker thread: at start-up on a large ledger this is the longest computation. */
  private fromScratch(money: LedgerMoney, now: number): Promise<EquityPoint[]> {
    return equitySeriesOffThread(money, now, this.equityOptions);
  }

  /** The periods from the earliest one the new events change (changesFiguresFrom), each from the (kept or recomputed) point before it. */
  private async fromEarliest(money: LedgerMoney, now: number, changes: readonly EventChange[], stored: Map<string, StoredPoint>): Promise<EquityPoint[]> {
    const earliest = earliestOf(changes.map((c) => c.from));
    const firstPurchase = money.firstPurchaseAt;
    if (!Number.isFinite(firstPurchase)) return [];
    if (earliest < firstPurchase || earliest <= periodOf(firstPurchase, this.unit).end) return this.fromScratch(money, now);
    const periods = periodsBetween(earliest, now, this.unit);
    const before = periodOf(periods[0]!.start - 1, this.unit);
    // On the worker thread too: fitting the models of each period would hold up the service's requests.
    return equityPointsOffThread(money, periods, before, stored.get(before.label), now, this.equityOptions);
  }

  /**
   * Stores the recomputed points, and a restatement for each reported period they change. Several
   * API services may track the series in one readmodels.db: inside the write lock, a series another
   * one has saved up to this position is left as it is, and restatements are judged against the
   * points stored now, so each is recorded once.
   */
  private save(points: readonly EquityPoint[], events: readonly EventChange[], now: number, position: number): void {
    const computedAt = new Date(now).toISOString();
    const upsert = this.db.prepare('INSERT INTO equity_points (unit, period, start, point) VALUES (?, ?, ?, ?) ON CONFLICT (unit, period) DO UPDATE SET point = excluded.point');
    const restate = this.db.prepare('INSERT INTO equity_restatements (unit, period, recorded_at, body) VALUES (?, ?, ?, ?)');
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const saved = this.db.prepare('SELECT position FROM equity_checkpoints WHERE unit = ?').get(this.unit) as { position: number } | undefined;
      if (saved && position > 0 && saved.position >= position && this.series().length > 0) {
        this.db.exec('COMMIT');
        return;
      }
      const stored = new Map(this.series().map((p) => [p.period, p]));
      this.db.prepare('INSERT INTO equity_checkpoints (unit, position) VALUES (?, ?) ON CONFLICT (unit) DO UPDATE SET position = max(position, excluded.position)').run(this.unit, position);
      for (const point of points) {
        const old = stored.get(point.period);
        const end = Date.parse(point.end);
        if (old && Date.parse(old.computedAt) >= end && !sameFigures(figures(old), figures(point))) {
          // The events recorded after the period ended that change it: late money, and merges of customers who had bought by then.
          const causedBy = events
            .filter(({ event, from }) => from < end && Date.parse(event.recordedAt) >= end)
            .map(({ event: e }) => ({ eventId: e.eventId, type: e.type, occurredAt: e.occurredAt, recordedAt: e.recordedAt }));
          const recordedAt = causedBy.reduce((latest, e) => (e.recordedAt > latest ? e.recordedAt : latest), '');
          restate.run(this.unit, point.period, recordedAt || computedAt, JSON.stringify({ period: point.period, recordedAt: recordedAt || computedAt, old: figures(old), new: figures(point), causedBy }));
          this.options.log?.('equity restated', { period: point.period, old: old.equityEnd, new: point.equityEnd, causedBy: causedBy.length });
        }
        upsert.run(this.unit, point.period, point.start, JSON.stringify({ ...point, computedAt }));
      }
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }
}
