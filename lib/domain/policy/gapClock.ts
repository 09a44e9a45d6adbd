import { formatDuration } from './duration';
import type { GapSample, GapScope } from './gapDistribution';
import { continuesFrom } from './sampleContinuation';

/** A gap sample as the learner keeps it (gapLearner's TimedGap, named here without importing it). */
interface TimedGap extends GapSample {
  readonly atMs: number;
  readonly unresolved?: boolean;
}

/**
 * Which clock a scope's next submission keeps. A person who waits for a result submits again a
 * while after the job ENDS (closed loop): the gap from the end does not depend on how the job
 * started. A schedule, a sweep driver with a fixed budget per trial or a pipeline submits a while
 * after the last SUBMISSION (open loop): a warm start (seconds) instead of a cold one (minutes)
 * ends the job sooner, and the gap from its end is longer by the start-up saved. A sample records
 * its head's start-up, so either clock can be learned; which one a match key keeps is read from
 * its own gaps.
 */
export type GapClock = 'end' | 'submission';

/**
 * How the learner times gaps: always from the end (as before samples recorded their head's
 * start-up), always from the submission, or per match key from its own gaps (gapClockEvidence).
 */
export type GapClockMode = GapClock | 'fromData';

/** What a scope's own gaps say of its clock: the reuse gaps after its fast and its slow starts. */
export interface GapClockEvidence {
  readonly clock: GapClock;
  readonly fast: StartGroup;
  readonly slow: StartGroup;
}

interface StartGroup {
  /** Reuses after a head of this group. */
  readonly reuses: number;
  /** The group's mean start-up, in seconds. */
  readonly startupSeconds: number;
  /** Their median gap from the head's end, in seconds. */
  readonly medianGapSeconds: number;
}

/** Fewer reuses after fast or after slow starts than this tell nothing: the end clock. */
export const CLOCK_REUSES_PER_GROUP = 3;
/** Start-ups closer than this do not tell the clocks apart (a warm start saves about two minutes). */
export const CLOCK_STARTUP_SPREAD_SECONDS = 30;

/** The median of finite values (sorted in place: a typed array sorts by value without a comparator). */
const median = (values: Float64Array): number => {
  values.sort();
  const mid = values.length >> 1;
  return values.length % 2 === 1
    ? (values[mid] as number)
    : ((values[mid - 1] as number) + (values[mid] as number)) / 2;
};

/**
 * The clock a scope's gaps keep, read from its exact reuses: under the end clock the gaps after
 * fast and after slow starts are alike; under the submission clock those after fast starts are
 * longer by the start-up difference. Each is a hypothesis on the shift of the median gap between
 * the two groups (0 or the start-up difference): the nearer one is chosen. Null when the scope
 * has too few reuses after either kind of start, or start-ups too alike, to tell.
 */
export const gapClockEvidence = (samples: readonly TimedGap[]): GapClockEvidence | null => {
  let told = 0;
  for (const s of samples) if (tellsClock(s)) told++;
  if (told < 2 * CLOCK_REUSES_PER_GROUP) return null;
  // Warm and cold start-ups are two clusters; a deployment's are spread (and a slow cold start
  // now and then): split at the widest gap between start-ups that leaves enough on either side,
  // not halfway between the extremes.
  const startups = new Float64Array(told);
  let at = 0;
  for (const s of samples) if (tellsClock(s)) startups[at++] = s.startupSeconds;
  startups.sort();
  let widest = 0;
  let split = 0;
  for (let i = CLOCK_REUSES_PER_GROUP; i <= startups.length - CLOCK_REUSES_PER_GROUP; i++) {
    const gap = (startups[i] as number) - (startups[i - 1] as number);
    if (gap > widest) {
      widest = gap;
      split = ((startups[i] as number) + (startups[i - 1] as number)) / 2;
    }
  }
  let evidence: GapClockEvidence | null = null;
  if (widest >= CLOCK_STARTUP_SPREAD_SECONDS) {
    let fastCount = 0;
    for (let i = 0; i < told; i++) if ((startups[i] as number) < split) fastCount++;
    const fastGaps = new Float64Array(fastCount);
    const slowGaps = new Float64Array(told - fastCount);
    let fastStartup = 0;
    let slowStartup = 0;
    let fastAt = 0;
    let slowAt = 0;
    for (const s of samples) {
      if (!tellsClock(s)) continue;
      if (s.startupSeconds < split) {
        fastGaps[fastAt++] = s.gapSeconds;
        fastStartup += s.startupSeconds;
      } else {
        slowGaps[slowAt++] = s.gapSeconds;
        slowStartup += s.startupSeconds;
      }
    }
    if (fastGaps.length >= CLOCK_REUSES_PER_GROUP && slowGaps.length >= CLOCK_REUSES_PER_GROUP) {
      const fast = {
        reuses: fastGaps.length,
        startupSeconds: fastStartup / fastGaps.length,
        medianGapSeconds: median(fastGaps),
      };
      const slow = {
        reuses: slowGaps.length,
        startupSeconds: slowStartup / slowGaps.length,
        medianGapSeconds: median(slowGaps),
      };
      const shift = fast.medianGapSeconds - slow.medianGapSeconds;
      const saved = slow.startupSeconds - fast.startupSeconds;
      evidence = { clock: shift > saved / 2 ? 'submission' : 'end', fast, slow };
    }
  }
  return evidence;
};

/** The samples a scope's clock is read from: its exact reuses whose head's start-up is known. */
const tellsClock = (s: TimedGap): s is TimedGap & { readonly startupSeconds: number } =>
  s.startupSeconds !== undefined && s.reused && s.unresolved !== true;

/**
 * A sample as the pool at hand would have seen it under the submission clock: the gap from its
 * own head's end plus that head's start-up, less the start-up of the pool's head. A sample
 * without a start-up (written before samples recorded it) is taken as it is.
 */
const shiftedSample = (s: TimedGap, headStartupSeconds: number): TimedGap => {
  if (s.startupSeconds === undefined || s.startupSeconds === headStartupSeconds) return s;
  const gapSeconds = s.gapSeconds + s.startupSeconds - headStartupSeconds;
  // A job sooner than the start-up difference cannot be the open loop's next one after this
  // head (it would come before the head's own successor could): another submitter's, taken as it was.
  if (gapSeconds < 0) return s;
  // The censored time of an unresolved stop grows from when it became Available: shifting its
  // gap shifts that instant, so it stays censored at the shifted time so far.
  return {
    gapSeconds,
    reused: s.reused,
    atMs: s.atMs,
    startupSeconds: s.startupSeconds,
    ...(s.weight !== undefined ? { weight: s.weight } : {}),
    ...(s.unresolved === true ? { unresolved: true } : {}),
  };
};

/**
 * Every sample of an array shifted to one head's start-up (the array itself when none moves),
 * reusing the shifted copy of an earlier array of the scope wherever the new one holds the same
 * sample (a shift depends on the sample and the head alone): a replay's key gains a
 * sample or two between decisions, and the learner continues an array's gap order only where it
 * finds the samples it ordered before.
 */
const shiftedReusing = (
  samples: readonly TimedGap[],
  headStartupSeconds: number,
  before: ShiftedArray | undefined,
): readonly TimedGap[] => {
  // A continued array is read from where it continues the earlier one; any other (a resolved stop
  // replaced in its place) place by place: a sample found at its place is the same sample.
  const from = before ? Math.max(0, continuesFrom(before.source, samples)) : 0;
  let changed = false;
  const out = new Array<TimedGap>(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] as TimedGap;
    const t =
      before !== undefined && before.source[from + i] === s
        ? (before.samples[from + i] as TimedGap)
        : shiftedSample(s, headStartupSeconds);
    if (t !== s) changed = true;
    out[i] = t;
  }
  return changed ? out : samples;
};

/**
 * Whether a scope's clock reads the same from `samples` as from `before`: they continue it, and
 * the samples dropped and added tell nothing of the clock (stops, and reuses of unknown start-up).
 */
const sameClockSamples = (before: readonly TimedGap[], samples: readonly TimedGap[]): boolean => {
  const from = continuesFrom(before, samples);
  if (from < 0) return false;
  for (let i = 0; i < from; i++) if (tellsClock(before[i] as TimedGap)) return false;
  for (let i = before.length - from; i < samples.length; i++)
    if (tellsClock(samples[i] as TimedGap)) return false;
  return true;
};

interface ShiftedArray {
  head: number;
  /** The scope's samples as last shifted to this head, and their shifted copy. */
  source: readonly TimedGap[];
  samples: readonly TimedGap[];
  /** Why, in words, while the scope's evidence is the same. */
  why?: { readonly of: GapClockEvidence; readonly why: ClockWhy };
  undecidedWhy?: ClockWhy;
}

/** What a replay keeps of one scope's clock: read from `samples`, shifted per head start-up. */
interface ScopeClock {
  samples: readonly TimedGap[];
  evidence: GapClockEvidence | null;
  /** Why its gaps stay timed from the end, while the evidence is the same. */
  endWhy?: { readonly of: GapClockEvidence; readonly why: ClockWhy };
  readonly shifts: ShiftedArray[];
}

/** A replay's heads start in two times; a deployment's in many: shifts kept for the first few. */
const SHIFTS_KEPT_PER_SCOPE = 4;

/**
 * A replay's memory of each scope's clock between decisions (a replay keeps one beside its
 * GapLearnerMemo): the evidence is read again only when a sample that tells the clock came or
 * went, and a shifted array is made by shifting only the samples new since the last one. Without
 * it, each decision reads and shifts its samples afresh, as a deployment does.
 */
export class GapClockMemo {
  private readonly scopes = new Map<GapScope['kind'], Map<string, ScopeClock>>();
  private readonly submissionWhys = new Map<number, ClockWhy>();

  /** The scope's clock as read from `samples`. */
  clockOf(scope: GapScope, samples: readonly TimedGap[]): ScopeClock {
    let byKey = this.scopes.get(scope.kind);
    if (!byKey) {
      byKey = new Map();
      this.scopes.set(scope.kind, byKey);
    }
    const known = byKey.get(scope.key);
    if (!known) {
      const clock: ScopeClock = { samples, evidence: gapClockEvidence(samples), shifts: [] };
      byKey.set(scope.key, clock);
      return clock;
    }
    if (known.samples !== samples) {
      if (!sameClockSamples(known.samples, samples)) {
        known.evidence = gapClockEvidence(samples);
      }
      known.samples = samples;
    }
    return known;
  }

  /** The scope's samples shifted to a head's start-up (the scope's clock as last read). */
  shifted(clock: ScopeClock, headStartupSeconds: number): ShiftedArray {
    const known = clock.shifts.find((s) => s.head === headStartupSeconds);
    if (known?.source === clock.samples) return known;
    const samples = shiftedReusing(clock.samples, headStartupSeconds, known);
    if (known) {
      known.source = clock.samples;
      known.samples = samples;
      return known;
    }
    const shifted: ShiftedArray = { head: headStartupSeconds, source: clock.samples, samples };
    if (clock.shifts.length < SHIFTS_KEPT_PER_SCOPE) clock.shifts.push(shifted);
    return shifted;
  }

  /** Why every gap is timed from the submission for a head of this start-up. */
  submissionWhy(headStartupSeconds: number): ClockWhy {
    let why = this.submissionWhys.get(headStartupSeconds);
    if (!why) {
      why = clockWhy(() => `gaps timed from the submission, ${shiftWords(headStartupSeconds)}`);
      if (this.submissionWhys.size < SHIFTS_KEPT_PER_SCOPE) this.submissionWhys.set(headStartupSeconds, why);
    }
    return why;
  }
}

/**
 * Why a decision's gaps are timed as they are, in words built when first read (a replay decides
 * far more often than it tells why). A replay keeps one per key's evidence and head start-up.
 */
export class ClockWhy {
  private words: string | undefined;
  /**
   * What was last built on these words (clockedLearning keeps the learned gaps dressed with them
   * here), so that a replay's decisions reuse it while the words hold, and drop it with them.
   */
  kept: unknown = undefined;

  constructor(private readonly describe: () => string) {}

  get text(): string {
    this.words ??= this.describe();
    return this.words;
  }
}

const clockWhy = (describe: () => string): ClockWhy => new ClockWhy(describe);

/** Each scope's clock for one decision, and the lookup that times its gaps so. */
export interface ClockedGaps {
  readonly lookup: (scope: GapScope) => readonly TimedGap[] | undefined;
  /** Scopes under the submission clock: their gaps were shifted to the head's start-up. */
  readonly shifted: boolean;
  /** Every figure the clock was chosen on, for the decision's reason; none for a learner timing every gap from the end. */
  readonly why: ClockWhy | undefined;
  /**
   * The match key's gaps on the submission clock, when its own gaps cannot tell its clock (too
   * few reuses after warm or after cold starts) and that clock would time them otherwise: a keep
   * must then pay under both.
   */
  readonly undecided?: ClockedGaps;
}

const describeScope = (scope: GapScope): string =>
  scope.kind === 'matchKey'
    ? 'this match key'
    : scope.kind === 'all'
      ? 'all pools'
      : `${scope.kind} ${scope.key}`;

const describeEvidence = (scope: GapScope, e: GapClockEvidence): string =>
  `${describeScope(scope)} from the ${e.clock} (median gap ${formatDuration(Math.round(e.fast.medianGapSeconds))} after ${e.fast.reuses} starts of ${formatDuration(Math.round(e.fast.startupSeconds))}, ${formatDuration(Math.round(e.slow.medianGapSeconds))} after ${e.slow.reuses} of ${formatDuration(Math.round(e.slow.startupSeconds))})`;

const shiftWordsOf = new Map<number, string>();
const shiftWords = (headStartupSeconds: number): string => {
  let words = shiftWordsOf.get(headStartupSeconds);
  if (words === undefined) {
    words = `shifted to this head's start-up ${formatDuration(Math.round(headStartupSeconds))}`;
    // A replay's heads start in a few distinct times; a deployment's in many: kept while few.
    if (shiftWordsOf.size < 64) shiftWordsOf.set(headStartupSeconds, words);
  }
  return words;
};

const unclocked = (lookup: ClockedGaps['lookup']): ClockedGaps => ({
  lookup,
  shifted: false,
  why: undefined,
});

/**
 * The lookup a decision learns from, each scope's gaps timed by its clock for a pool whose head
 * took `headStartupSeconds` to start. Under 'fromData' the match key keeps the clock its own gaps
 * tell (gapClockEvidence), else the end clock, and the broader scopes keep the end clock: they mix
 * the loops of many submitters (on the training weeks, reading or inheriting a clock there lost
 * at $60/h). Unknown start-up of the head: every gap as it is.
 */
export const clockedGaps = (
  /** Most specific first, as gapScopes gives them. */
  scopes: readonly GapScope[],
  lookup: (scope: GapScope) => readonly TimedGap[] | undefined,
  headStartupSeconds: number | undefined,
  mode: GapClockMode,
  /** A replay's memory of each scope's clock; none: read afresh. */
  memo: GapClockMemo = new GapClockMemo(),
): ClockedGaps => {
  if (mode === 'end' || headStartupSeconds === undefined) return unclocked(lookup);
  if (mode === 'submission')
    return {
      lookup: (scope) => {
        const samples = lookup(scope);
        return samples && memo.shifted(memo.clockOf(scope, samples), headStartupSeconds).samples;
      },
      shifted: true,
      why: memo.submissionWhy(headStartupSeconds),
    };
  const key = scopes.find((s) => s.kind === 'matchKey');
  if (!key) return unclocked(lookup);
  // The key read once: a replay's lookup counts what a decision reads.
  const own = lookup(key);
  if (!own) return unclocked(lookup);
  const clock = memo.clockOf(key, own);
  const evidence = clock.evidence;
  if (!evidence) {
    const shifted = memo.shifted(clock, headStartupSeconds);
    if (shifted.samples === own) return unclocked(lookup);
    const timed = shifted.samples;
    shifted.undecidedWhy ??= clockWhy(
      () =>
        `this match key's clock undecided (too few reuses after warm or after cold starts): a keep priced on gaps from the end and from the submission, ${shiftWords(headStartupSeconds)}`,
    );
    return {
      ...unclocked(lookup),
      undecided: {
        lookup: (scope) => (scope === key ? timed : lookup(scope)),
        shifted: true,
        why: shifted.undecidedWhy,
      },
    };
  }
  if (evidence.clock === 'end') {
    if (clock.endWhy?.of !== evidence)
      clock.endWhy = { of: evidence, why: clockWhy(() => `gaps timed ${describeEvidence(key, evidence)}`) };
    return {
      lookup: (scope) => (scope === key ? own : lookup(scope)),
      shifted: false,
      why: clock.endWhy.why,
    };
  }
  const shifted = memo.shifted(clock, headStartupSeconds);
  if (shifted.why?.of !== evidence)
    shifted.why = {
      of: evidence,
      why: clockWhy(() => `gaps timed ${describeEvidence(key, evidence)}, ${shiftWords(headStartupSeconds)}`),
    };
  const timed = shifted.samples;
  return { lookup: (scope) => (scope === key ? timed : lookup(scope)), shifted: true, why: shifted.why.why };
};
