/**
 * Watching an expensive job for its end. An end event may come minutes late or never; until
 * it does (or the next reconcile finds the end) the job's pool stays unmanaged while SageMaker
 * bills it. For a pool that is expensive to leave idle, the sweep asks SageMaker itself, but
 * only around the instant its end is expected, as learnt from the durations of its match key.
 */

/** The settings of the watch (see the README's event-handling rules). */
export interface EndWatchSettings {
  /**
   * A job is watched only when its pool would cost at least this much per hour idle
   * (instances × hourly price). Infinite: nothing is watched.
   */
  readonly minUsdPerHour: number;
  /** The watch starts this long before the shortest learnt duration, and ends this long after the longest. */
  readonly marginSeconds: number;
  /**
   * At most this many describes per job: a window longer than that many sweep minutes is
   * looked at every few minutes instead of every minute.
   */
  readonly maxDescribesPerJob: number;
}

/**
 * Off unless asked for. On the bundled week it cut the idle cost of late end events by about a
 * third (+106 % over calm to +66 % under every fault) for about 250 more describes a week, but
 * on a calm week it saves nothing and every sweep pays a read of the running jobs (locally, the
 * sweeps that keep its learnt durations fresh made `npm start` about a fifth slower). Teams with
 * expensive nightly jobs and late events turn it on, at SUGGESTED_END_WATCH_USD_PER_HOUR say.
 */
export const DEFAULT_END_WATCH: EndWatchSettings = {
  minUsdPerHour: Number.POSITIVE_INFINITY,
  marginSeconds: 300,
  maxDescribesPerJob: 30,
};

/** Where the watch pays when turned on: pools that cost this much an hour idle (4 × ml.p4d.24xlarge is $150). */
export const SUGGESTED_END_WATCH_USD_PER_HOUR = 50;

/** How many learnt durations of a match key the watch reads: the most recent ones. */
export const RUN_DURATIONS_PER_KEY = 10;

/** A job the ledger believes running, as the watch weighs it. */
export interface WatchCandidate {
  /** When the job was created: its learnt durations run from creation to end. */
  readonly createdAtMs: number;
  /** Idle price of its pool per hour; undefined when the price table does not know it. */
  readonly usdPerHour: number | undefined;
  /** The learnt durations of its match key, in seconds (any order). */
  readonly durationsSeconds: readonly number[];
}

export type WatchVerdict =
  /** Not worth watching: too cheap, nothing learnt, or past its window (the reconcile finds its end). */
  | { readonly kind: 'unwatched' }
  /** Describe it in this sweep; `nextAtMs`: the next instant it is due again, if any. */
  | { readonly kind: 'describe'; readonly nextAtMs?: number }
  /** Not in this sweep; due again at `nextAtMs`. */
  | { readonly kind: 'wait'; readonly nextAtMs: number };

/** The span in which a job's end is expected, and how often it is looked at in it. */
export interface WatchWindow {
  readonly fromMs: number;
  readonly untilMs: number;
  readonly everyMs: number;
}

/**
 * The window of one job: from the shortest learnt duration less the margin to the longest plus
 * the margin, described every `everyMs` (a whole number of sweep minutes, so that the budget holds).
 */
export const watchWindow = (
  job: WatchCandidate,
  settings: EndWatchSettings,
  sweepEveryMs: number,
): WatchWindow | undefined => {
  if (job.durationsSeconds.length === 0) return undefined;
  if (job.usdPerHour === undefined || job.usdPerHour < settings.minUsdPerHour) return undefined;
  const shortest = Math.min(...job.durationsSeconds);
  const longest = Math.max(...job.durationsSeconds);
  const fromMs = job.createdAtMs + Math.max(0, shortest - settings.marginSeconds) * 1000;
  const untilMs = job.createdAtMs + (longest + settings.marginSeconds) * 1000;
  const slots = Math.ceil((untilMs - fromMs) / sweepEveryMs);
  const budget = Math.max(1, Math.floor(settings.maxDescribesPerJob));
  const everyMs = Math.max(1, Math.ceil(slots / budget)) * sweepEveryMs;
  return { fromMs, untilMs, everyMs };
};

/**
 * Whether the sweep at `nowMs` describes the job. The instants are a grid from the window's
 * start, one every `everyMs`; a sweep describes when it is the first sweep of its grid slot.
 * Sweeps run every `sweepEveryMs` and `everyMs` is a multiple of it, so exactly one sweep per
 * slot does, with no state kept between sweeps.
 */
export const watchVerdict = (
  job: WatchCandidate,
  settings: EndWatchSettings,
  nowMs: number,
  sweepEveryMs: number,
): WatchVerdict => {
  const window = watchWindow(job, settings, sweepEveryMs);
  if (!window || nowMs >= window.untilMs) return { kind: 'unwatched' };
  if (nowMs < window.fromMs) return { kind: 'wait', nextAtMs: window.fromMs };
  const slot = Math.floor((nowMs - window.fromMs) / window.everyMs);
  const slotStartMs = window.fromMs + slot * window.everyMs;
  const followingMs = slotStartMs + window.everyMs;
  const next = followingMs < window.untilMs ? { nextAtMs: followingMs } : {};
  if (nowMs - slotStartMs < sweepEveryMs) return { kind: 'describe', ...next };
  return followingMs < window.untilMs ? { kind: 'wait', nextAtMs: followingMs } : { kind: 'unwatched' };
};
