import { type ClockedGaps, type ClockWhy, clockedGaps, GapClockMemo } from './gapClock';
import type { GapScope } from './gapDistribution';
import {
  DEFAULT_GAP_LEARNING,
  type GapLearnerMemo,
  type GapLearningOptions,
  type LearnedGaps,
  learnHierarchical,
  type TimedGap,
} from './gapLearner';

type Lookup = (scope: GapScope) => readonly TimedGap[] | undefined;

/**
 * A memo's scope for the match key's gaps shifted to one head start-up: a key whose heads start
 * warm and cold in turn keeps a level for each (siblings under the same broader levels, which are
 * learned once), instead of relearning its one level at every other decision. Kept per start-up
 * and key, so that a memo's lookup builds no string; a replay has a few start-ups.
 */
const shiftedKeyScopes = new Map<number, Map<string, GapScope>>();
const MAX_SHIFTED_KEY_SCOPES = 100_000;
let shiftedKeyScopeCount = 0;
const shiftedKeyScope = (key: GapScope, headStartupSeconds: number): GapScope => {
  let byKey = shiftedKeyScopes.get(headStartupSeconds);
  const known = byKey?.get(key.key);
  if (known) return known;
  const scope: GapScope = { kind: 'matchKey', key: `${key.key}#started in ${headStartupSeconds}s` };
  if (shiftedKeyScopeCount >= MAX_SHIFTED_KEY_SCOPES) return scope;
  if (!byKey) {
    byKey = new Map();
    shiftedKeyScopes.set(headStartupSeconds, byKey);
  }
  byKey.set(key.key, scope);
  shiftedKeyScopeCount++;
  return scope;
};

/** The scopes and lookup a memo learns from: the shifted key under its own scope. */
const memoScopes = (
  scopes: readonly GapScope[],
  lookup: Lookup,
  headStartupSeconds: number,
): { scopes: readonly GapScope[]; lookup: Lookup } => {
  const key = scopes[0];
  if (key?.kind !== 'matchKey') return { scopes, lookup };
  const shifted = shiftedKeyScope(key, headStartupSeconds);
  return {
    scopes: [shifted, ...scopes.slice(1)],
    lookup: (scope) => lookup(scope === shifted ? key : scope),
  };
};

/** Each replay's memory of its keys' clocks, kept beside (and as long as) its learner's memo. */
const clockMemos = new WeakMap<GapLearnerMemo, GapClockMemo>();
const clockMemoOf = (memo: GapLearnerMemo): GapClockMemo => {
  let clocks = clockMemos.get(memo);
  if (!clocks) {
    clocks = new GapClockMemo();
    clockMemos.set(memo, clocks);
  }
  return clocks;
};

/**
 * The learned gaps with how the key's clock was chosen in their basis (read lazily, as the
 * learner's own). A class, so that every such value has one shape: the decision reads them all.
 */
class ClockedLearnedGaps implements LearnedGaps {
  private words: string | undefined;
  readonly distribution: LearnedGaps['distribution'];
  readonly scope: LearnedGaps['scope'];

  constructor(
    readonly learned: LearnedGaps,
    private readonly why: ClockWhy,
  ) {
    this.distribution = learned.distribution;
    this.scope = learned.scope;
  }

  get basis(): string {
    this.words ??= `${this.learned.basis}; ${this.why.text}`;
    return this.words;
  }
}

/**
 * A replay's learned gaps dressed with a clock's words, kept on the words: a key's decisions learn
 * the same gaps under the same words until a sample comes, and a reason reads its basis each time.
 */
const withClockBasisKept = (learned: LearnedGaps, why: ClockWhy): LearnedGaps => {
  const known = why.kept;
  if (known instanceof ClockedLearnedGaps && known.learned === learned) return known;
  const made = new ClockedLearnedGaps(learned, why);
  why.kept = made;
  return made;
};

/**
 * The learned gaps, and while the key's clock is undecided those on the submission clock too,
 * learned when asked (a decision that stops on the first needs no second).
 */
export const learnBothClocks = (
  scopes: readonly GapScope[],
  lookup: Lookup,
  headStartupSeconds: number | undefined,
  nowMs: number,
  how: { readonly memo?: GapLearnerMemo; readonly learning?: GapLearningOptions } = {},
): { readonly learned: LearnedGaps | undefined; readonly undecided?: () => LearnedGaps | undefined } => {
  const clocked = clockedGaps(
    scopes,
    lookup,
    headStartupSeconds,
    (how.learning ?? DEFAULT_GAP_LEARNING).gapClock,
    how.memo && clockMemoOf(how.memo),
  );
  const learned = learnTimed(scopes, clocked, headStartupSeconds, nowMs, how);
  const undecided = clocked.undecided;
  if (!undecided) return { learned };
  return { learned, undecided: () => learnTimed(scopes, undecided, headStartupSeconds, nowMs, how) };
};

const learnTimed = (
  scopes: readonly GapScope[],
  clocked: ClockedGaps,
  headStartupSeconds: number | undefined,
  nowMs: number,
  how: { readonly memo?: GapLearnerMemo; readonly learning?: GapLearningOptions },
): LearnedGaps | undefined => {
  let learned: LearnedGaps | undefined;
  if (how.memo) {
    const asked =
      clocked.shifted && headStartupSeconds !== undefined
        ? memoScopes(scopes, clocked.lookup, headStartupSeconds)
        : { scopes, lookup: clocked.lookup };
    learned = how.memo.learn(asked.scopes, asked.lookup, nowMs, how.learning);
  } else {
    learned = learnHierarchical(scopes, clocked.lookup, nowMs, how.learning);
  }
  if (!learned || !clocked.why) return learned;
  return withClockBasisKept(learned, clocked.why);
};
