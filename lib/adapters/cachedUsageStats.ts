import type { Clock } from '../ports/clock';
import type {
  GapLogPosition,
  GapLogRead,
  HopSpend,
  ObservedGap,
  OwnerSubmission,
  RunDuration,
  UsageStats,
  WrittenGap,
} from '../ports/usageStats';
import { mergeGap, mergeTimedSample } from './gapSampleMerge';

interface Entry<T> {
  readonly value: T;
  /** When it was read: what other containers write is seen at most `ttlMs` later. */
  readonly atMs: number;
}

interface SamplesEntry<T> extends Entry<readonly T[]> {
  /** How many samples were asked for: fewer came back only if the scope holds no more. */
  readonly limit: number;
}

/** What is kept up to date from the log of gap writes rather than read again. */
interface LoggedEntry {
  /** How far into the container's log buffer it is up to date (an absolute index). */
  readonly logIndex: number;
}

interface GapsEntry extends SamplesEntry<ObservedGap>, LoggedEntry {}

/** A team's day of idle spend, by job: a hop written again replaces its own share. */
interface SpendEntry extends Entry<Map<string, number>>, LoggedEntry {}

const spendKey = (team: string, day: string) => `${team}#${day}`;

/** The newest `limit` of samples kept newest first: the array itself when it holds no more. */
const newestOf = <T>(samples: readonly T[], limit: number): readonly T[] =>
  samples.length <= limit ? samples : samples.slice(0, limit);

/** The gap log as a container keeps it, with where each scope was written in it. */
interface GapLogBuffer {
  position: GapLogPosition;
  base: number;
  readonly written: WrittenGap[];
  /**
   * The absolute indices of the writes under each scope, ascending: a stale scope catches up
   * from its own writes, not by reading every write of the log (a busy log has thousands).
   */
  readonly byScope: Map<string, number[]>;
}

const emptyLog = (position: GapLogPosition): GapLogBuffer => ({
  position,
  base: 0,
  written: [],
  byScope: new Map(),
});

/** The first place in ascending `indices` holding `from` or more. */
const firstAtOrAfter = (indices: readonly number[], from: number): number => {
  let lo = 0;
  let hi = indices.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((indices[mid] as number) < from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/**
 * A scope not brought up to date for this long is forgotten (read again if asked), so that the
 * log buffer a long-lived container keeps for it stays small.
 */
const FORGET_SCOPE_AFTER_MS = 86_400_000;

/** How many run samples a container remembers writing; past it, it starts over. */
const RUNS_WRITTEN = 10_000;

/**
 * Usage statistics read through a per-container cache. The sweep runs every minute over every
 * Available pool; owners' activity, learnt gaps and spend barely move in a few minutes, so
 * they are read once per `ttlMs`. What this container writes goes straight through and is
 * applied to what it holds, as a read right after the write would answer (barring other
 * containers' writes, which it sees at its next read): the write's own facts are known at
 * once, without reading them back.
 *
 * Learnt gaps are many samples per scope, and every scope would be read again each `ttlMs`.
 * Instead a scope is read once; when it is stale, the container reads the store's gap log since
 * its last look (one read for every stale scope, however many) and applies to the scope what
 * was written under it since the scope was last brought up to date: the same samples the scope
 * read again would give. A team's idle spend of a day is written with the gap of each hop, and
 * the log carries it, so it is kept up to date the same way, from the same reads of the log.
 */
export class CachedUsageStats implements UsageStats {
  private readonly owners = new Map<string, Entry<number | undefined>>();
  private readonly gaps = new Map<string, GapsEntry>();
  /**
   * What the gap log gave since the oldest cached scope was brought up to date; index `i` of
   * `log.written` is absolute index `log.base + i`. Undefined until a scope is first read.
   */
  private log: GapLogBuffer | undefined;
  /** Scopes and spends being read: the log from their index on is still needed. */
  private readonly reading = new Set<{ readonly logIndex: number }>();
  /** The log read in flight: every stale scope that asks meanwhile waits for it. */
  private logRead: Promise<void> | undefined;
  /** What the last read of the log told it as of (GapLogRead.asOfMs): a scope brought up to date from it is that fresh. */
  private logAsOfMs = Number.NEGATIVE_INFINITY;
  private readonly spend = new Map<string, SpendEntry>();
  private readonly runs = new Map<string, SamplesEntry<RunDuration>>();
  /** The run samples this container wrote, by match key, job and instant: their seconds. */
  private readonly runsWritten = new Map<string, number>();

  constructor(
    private readonly inner: UsageStats,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  private fresh<T extends Entry<unknown>>(entry: T | undefined): entry is T {
    return entry !== undefined && this.clock.now() - entry.atMs < this.ttlMs;
  }

  /**
   * The first instant at which something it holds fresh goes stale, and a read may then answer
   * otherwise (infinite: nothing fresh). Until then it answers as now, whatever other containers
   * write: a sweep that changed nothing decides alike until then, as time alone moves it
   * (sweepWake.ts).
   */
  freshUntilMs(): number {
    const nowMs = this.clock.now();
    let until = Number.POSITIVE_INFINITY;
    for (const entries of [this.owners, this.gaps, this.spend, this.runs])
      for (const { atMs } of entries.values()) {
        const staleAtMs = atMs + this.ttlMs;
        if (staleAtMs > nowMs && staleAtMs < until) until = staleAtMs;
      }
    return until;
  }

  async noteSubmission(owner: string, atMs: number): Promise<void> {
    // The latest submission counts: one known to be as late already makes this write moot.
    if (this.knowsSubmission(owner, atMs)) return;
    await this.inner.noteSubmission(owner, atMs);
    this.learnSubmission(owner, atMs);
  }

  private knowsSubmission(owner: string, atMs: number): boolean {
    const seen = this.owners.get(owner)?.value;
    return seen !== undefined && seen >= atMs;
  }

  /** Written: the store holds `atMs` or later, and a read now would say so (barring other containers). */
  private learnSubmission(owner: string, atMs: number): void {
    const known = this.owners.get(owner);
    const value = Math.max(known?.value ?? atMs, atMs);
    this.owners.set(owner, { value, atMs: this.fresh(known) ? known.atMs : this.clock.now() });
  }

  async ownerLastSubmittedAt(owner: string): Promise<number | undefined> {
    const cached = this.owners.get(owner);
    if (this.fresh(cached)) return cached.value;
    const value = await this.inner.ownerLastSubmittedAt(owner);
    this.owners.set(owner, { value, atMs: this.clock.now() });
    return value;
  }

  async addGap(
    scopeIds: readonly string[],
    gap: ObservedGap,
    spend?: HopSpend,
    submission?: OwnerSubmission,
  ): Promise<void> {
    // A submission known already is not written again; the gap is (it may rewrite a sample).
    const told =
      submission && !this.knowsSubmission(submission.owner, submission.atMs) ? submission : undefined;
    await this.inner.addGap(scopeIds, gap, spend, ...(told ? [told] : []));
    if (told) this.learnSubmission(told.owner, told.atMs);
    if (spend) {
      // Kept by job: a hop written again replaces its own spend in the sum, as the store does.
      const cached = this.spend.get(spendKey(spend.team, spend.day));
      if (cached) cached.value.set(spend.job, spend.usd);
    }
    for (const scopeId of scopeIds) {
      const cached = this.gaps.get(scopeId);
      if (cached) this.gaps.set(scopeId, { ...cached, value: mergeGap(cached.value, gap, cached.limit) });
    }
  }

  /**
   * A scope's samples as the same array while they are unchanged (a new one when a sample comes):
   * the learner's memo relearns a scope only when its array changes.
   */
  async recentGaps(
    scopeId: string,
    limit: number,
    options: { readonly fresh?: boolean } = {},
  ): Promise<readonly ObservedGap[]> {
    const cached = this.gaps.get(scopeId);
    if (cached && cached.limit >= limit) {
      if (this.fresh(cached) && !options.fresh) return newestOf(cached.value, limit);
      const caught = await this.catchUp(scopeId);
      if (caught) return newestOf(caught.value, limit);
    }
    return this.readFromStore(async (logIndex) => {
      const value = await this.inner.recentGaps(scopeId, limit);
      this.gaps.set(scopeId, { value, atMs: this.clock.now(), limit, logIndex });
      return value;
    });
  }

  gapLogPosition(): GapLogPosition {
    return this.inner.gapLogPosition();
  }

  gapsWrittenSince(from: GapLogPosition): Promise<GapLogRead | undefined> {
    return this.inner.gapsWrittenSince(from);
  }

  private logEnd(): number {
    return this.log ? this.log.base + this.log.written.length : 0;
  }

  /** The log read since the container's last look, shared by every stale entry that asks meanwhile. */
  private async readLogOnce(): Promise<void> {
    this.logRead ??= this.readLog().finally(() => {
      this.logRead = undefined;
    });
    await this.logRead;
  }

  /** Runs `read` with the log from its current end kept: what lands meanwhile is applied later. */
  private async readFromStore<T>(read: (logIndex: number) => Promise<T>): Promise<T> {
    // Where the log stands before the read: what lands from now on is applied later.
    this.log ??= emptyLog(this.inner.gapLogPosition());
    const reading = { logIndex: this.logEnd() };
    this.reading.add(reading);
    try {
      return await read(reading.logIndex);
    } finally {
      this.reading.delete(reading);
    }
  }

  /** A stale scope brought up to date from the log; undefined: read it again. */
  private async catchUp(scopeId: string): Promise<GapsEntry | undefined> {
    await this.readLogOnce();
    const cached = this.gaps.get(scopeId);
    if (!cached || !this.log) return undefined;
    let value = cached.value;
    const { base, written, byScope } = this.log;
    const indices = byScope.get(scopeId) ?? [];
    for (let k = firstAtOrAfter(indices, Math.max(base, cached.logIndex)); k < indices.length; k++) {
      const entry = written[(indices[k] as number) - base];
      if (entry) value = mergeGap(value, entry.gap, cached.limit);
    }
    const entry = { value, atMs: this.caughtUpAtMs(), limit: cached.limit, logIndex: this.logEnd() };
    this.gaps.set(scopeId, entry);
    return entry;
  }

  /** How fresh an entry brought up to date from the log now is. */
  private caughtUpAtMs(): number {
    return Math.min(this.clock.now(), this.logAsOfMs);
  }

  private async readLog(): Promise<void> {
    const log = this.log;
    if (!log) return;
    const read = await this.inner.gapsWrittenSince(log.position);
    if (this.log !== log) return;
    if (!read) {
      // Too far behind the log: every scope and spend is read again.
      this.gaps.clear();
      this.spend.clear();
      this.log = undefined;
      return;
    }
    log.position = read.next;
    this.logAsOfMs = read.asOfMs ?? this.clock.now();
    for (const entry of read.written) {
      const at = log.base + log.written.length;
      log.written.push(entry);
      for (const scopeId of entry.scopeIds) {
        const indices = log.byScope.get(scopeId);
        if (!indices) log.byScope.set(scopeId, [at]);
        else if (indices[indices.length - 1] !== at) indices.push(at);
      }
    }
    const nowMs = this.clock.now();
    for (const entries of [this.gaps, this.spend])
      for (const [key, entry] of entries) if (nowMs - entry.atMs > FORGET_SCOPE_AFTER_MS) entries.delete(key);
    // What every cached scope and spend has applied already is not needed again.
    let needed = this.logEnd();
    for (const { logIndex } of [...this.gaps.values(), ...this.spend.values(), ...this.reading])
      needed = Math.min(needed, logIndex);
    if (needed > log.base) {
      log.written.splice(0, needed - log.base);
      log.base = needed;
      for (const [scopeId, indices] of log.byScope) {
        const keep = firstAtOrAfter(indices, needed);
        if (keep === indices.length) log.byScope.delete(scopeId);
        else if (keep > 0) indices.splice(0, keep);
      }
    }
  }

  async idleSpend(team: string, day: string): Promise<number> {
    let total = 0;
    for (const usd of (await this.spendByJob(team, day)).values()) total += usd;
    return total;
  }

  async idleSpendByJob(team: string, day: string): Promise<ReadonlyMap<string, number>> {
    return new Map(await this.spendByJob(team, day));
  }

  private async spendByJob(team: string, day: string): Promise<ReadonlyMap<string, number>> {
    const key = spendKey(team, day);
    const cached = this.spend.get(key);
    if (this.fresh(cached)) return cached.value;
    if (cached) {
      const caught = await this.catchUpSpend(key);
      if (caught) return caught.value;
    }
    return this.readFromStore(async (logIndex) => {
      const value = new Map(await this.inner.idleSpendByJob(team, day));
      this.spend.set(key, { value, atMs: this.clock.now(), logIndex });
      return value;
    });
  }

  /** A stale spend brought up to date from the log; undefined: read it again. */
  private async catchUpSpend(key: string): Promise<SpendEntry | undefined> {
    await this.readLogOnce();
    const cached = this.spend.get(key);
    if (!cached || !this.log) return undefined;
    const { base, written } = this.log;
    for (let i = Math.max(0, cached.logIndex - base); i < written.length; i++) {
      const spend = written[i]?.spend;
      if (spend && spendKey(spend.team, spend.day) === key) cached.value.set(spend.job, spend.usd);
    }
    const entry = { value: cached.value, atMs: this.caughtUpAtMs(), logIndex: this.logEnd() };
    this.spend.set(key, entry);
    return entry;
  }

  async addRunDuration(matchKey: string, run: RunDuration): Promise<void> {
    // A sample is kept by job and instant: this container writing the same one again (a
    // duplicate end) would rewrite it as it stands.
    const key = `${matchKey}\n${run.job}\n${run.atMs}`;
    if (this.runsWritten.get(key) === run.seconds) return;
    await this.inner.addRunDuration(matchKey, run);
    if (this.runsWritten.size >= RUNS_WRITTEN) this.runsWritten.clear();
    this.runsWritten.set(key, run.seconds);
    const cached = this.runs.get(matchKey);
    if (cached)
      this.runs.set(matchKey, { ...cached, value: mergeTimedSample(cached.value, run, cached.limit) });
  }

  async recentRunDurations(matchKey: string, limit: number): Promise<RunDuration[]> {
    const cached = this.runs.get(matchKey);
    if (this.fresh(cached) && cached.limit >= limit) return cached.value.slice(0, limit);
    const value = await this.inner.recentRunDurations(matchKey, limit);
    this.runs.set(matchKey, { value, atMs: this.clock.now(), limit });
    return value;
  }
}
