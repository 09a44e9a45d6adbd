import { formatDuration } from './duration';
import type { GapSample, GapScope } from './gapDistribution';

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

const median = (values: number[]): number => {
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 === 1
    ? (values[mid] as number)
    : ((values[mid - 1] as number) + (values[mid] as number)) / 2;
};

const evidenceOf = new WeakMap<readonly TimedGap[], GapClockEvidence | null>();

/**
 * The clock a scope's gaps keep, read from its exact reuses: under the end clock the gaps after
 * fast and after slow starts are alike; under the submission clock those after fast starts are
 * longer by the start-up difference. Each is a hypothesis on the shift of the median gap between
 * the two groups (0 or the start-up difference): the nearer one is chosen. Null when the scope
 * has too few reuses after either kind of start, or start-ups too alike, to tell.
 */
export const gapClockEvidence = (samples: readonly TimedGap[]): GapClockEvidence | null => {
  const known = evidenceOf.get(samples);
  if (known !== undefined) return known;
  // Warm and cold start-ups are two clusters; a deployment's are spread (and a slow cold start
  // now and then): split at the widest gap between start-ups that leaves enough on either side,
  // not halfway between the extremes.
  const startups: number[] = [];
  for (const s of samples) {
    if (s.startupSeconds !== undefined && s.reused && s.unresolved !== true) startups.push(s.startupSeconds);
  }
  startups.sort((a, b) => a - b);
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
    const fastGaps: number[] = [];
    const slowGaps: number[] = [];
    let fastStartup = 0;
    let slowStartup = 0;
    for (const s of samples) {
      if (s.startupSeconds === undefined || !s.reused || s.unresolved === true) continue;
      if (s.startupSeconds < split) {
        fastGaps.push(s.gapSeconds);
        fastStartup += s.startupSeconds;
      } else {
        slowGaps.push(s.gapSeconds);
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
  evidenceOf.set(samples, evidence);
  return evidence;
};

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
 * Kept per array and head start-up (a deployment's heads start in a few distinct times: warm or
 * cold), so that a replay's memo sees the same array while the samples are unchanged. One entry
 * per array, not per sample: weak entries cost every garbage collection.
 */
const SHIFTS_KEPT_PER_ARRAY = 4;
const shiftedArrays = new WeakMap<readonly TimedGap[], { head: number; samples: readonly TimedGap[] }[]>();
const shiftedSamples = (samples: readonly TimedGap[], headStartupSeconds: number): readonly TimedGap[] => {
  let known = shiftedArrays.get(samples);
  if (!known) {
    known = [];
    shiftedArrays.set(samples, known);
  }
  for (const k of known) if (k.head === headStartupSeconds) return k.samples;
  let changed = false;
  const out = samples.map((s) => {
    const t = shiftedSample(s, headStartupSeconds);
    if (t !== s) changed = true;
    return t;
  });
  const result = changed ? out : samples;
  // A replay's heads start in two times; a deployment's in many: kept for the first few.
  if (known.length < SHIFTS_KEPT_PER_ARRAY) known.push({ head: headStartupSeconds, samples: result });
  return result;
};

/** Each scope's clock for one decision, and the lookup that times its gaps so. */
export interface ClockedGaps {
  readonly lookup: (scope: GapScope) => readonly TimedGap[] | undefined;
  /** Scopes under the submission clock: their gaps were shifted to the head's start-up. */
  readonly shifted: boolean;
  /** Whether a clock was chosen (basis then names it): nothing to tell for a learner timing every gap from the end. */
  readonly chosen: boolean;
  /** Every figure the clock was chosen on, for the decision's reason; empty when none was chosen (built when read). */
  readonly basis: string;
}

const describeScope = (scope: GapScope): string =>
  scope.kind === 'matchKey'
    ? 'this match key'
    : scope.kind === 'all'
      ? 'all pools'
      : `${scope.kind} ${scope.key}`;

/** A decision's reason reads its basis every time: the words of one key's evidence are made once. */
const evidenceWords = new WeakMap<GapClockEvidence, string>();
const describeEvidence = (scope: GapScope, e: GapClockEvidence): string => {
  let words = evidenceWords.get(e);
  if (words === undefined) {
    words = describeEvidenceOnce(scope, e);
    evidenceWords.set(e, words);
  }
  return words;
};
const describeEvidenceOnce = (scope: GapScope, e: GapClockEvidence): string =>
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
): ClockedGaps => {
  if (mode === 'end' || headStartupSeconds === undefined)
    return { lookup, shifted: false, chosen: false, basis: '' };
  const head = () => shiftWords(headStartupSeconds);
  const shift = (samples: readonly TimedGap[] | undefined) =>
    samples && shiftedSamples(samples, headStartupSeconds);
  if (mode === 'submission')
    return withBasis(
      (scope) => shift(lookup(scope)),
      true,
      () => `gaps timed from the submission, ${head()}`,
    );
  const key = scopes.find((s) => s.kind === 'matchKey');
  if (!key) return { lookup, shifted: false, chosen: false, basis: '' };
  // The key read once: a replay's lookup counts what a decision reads.
  const own = lookup(key);
  const evidence = own ? gapClockEvidence(own) : null;
  if (!evidence) return { lookup, shifted: false, chosen: false, basis: '' };
  if (evidence.clock === 'end')
    return withBasis(
      (scope) => (scope === key ? own : lookup(scope)),
      false,
      () => `gaps timed ${describeEvidence(key, evidence)}`,
    );
  const timed = shift(own);
  return withBasis(
    (scope) => (scope === key ? timed : lookup(scope)),
    true,
    () => `gaps timed ${describeEvidence(key, evidence)}, ${head()}`,
  );
};

/** A replay decides far more often than it tells why: the words are built when first read. */
const withBasis = (lookup: ClockedGaps['lookup'], shifted: boolean, describe: () => string): ClockedGaps => {
  let basis: string | undefined;
  return {
    lookup,
    shifted,
    chosen: true,
    get basis(): string {
      basis ??= describe();
      return basis;
    },
  };
};
