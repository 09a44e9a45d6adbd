import { CostMeter, poolCosts } from '../../lib/domain/costModel';
import type { JobRecord } from '../../lib/domain/jobRecord';
import {
  DEFAULT_KEEP_ALIVE_LIMITS,
  expiryAfterJobEnd,
  expiryAfterUpdate,
  type KeepAliveLimits,
} from '../../lib/domain/keepAlive';
import { DECISION_PERIOD_SECONDS } from '../../lib/domain/policy/decisionPeriod';
import { evaluatePool, type PolicySetup } from '../../lib/domain/policy/evaluatePool';
import {
  type GapSample,
  type GapScope,
  type GapScopeKind,
  gapScopes,
} from '../../lib/domain/policy/gapDistribution';
import {
  DEFAULT_GAP_LEARNING,
  GAPS_PER_SCOPE,
  GapLearnerMemo,
  type GapLearningOptions,
  refreshBucketOf,
  type TimedGap,
} from '../../lib/domain/policy/gapLearner';
import type { KeepAliveSettings } from '../../lib/domain/policy/policy';
import { poolFactsOfHead } from '../../lib/domain/policy/poolFacts';
import { sameKeyRankOf } from '../../lib/domain/policy/sameKeyRank';
import { createStrategy, keepAliveContext } from '../../lib/domain/policy/strategies';
import { assumedHandOutOrder } from '../../lib/domain/poolChoice';
import type { PriceTable } from '../../lib/domain/prices';
import type { JobSnapshot } from '../../lib/domain/trainingJob';
import { EventQueue } from './eventQueue';
import { type SimJob, snapshotOf } from './simJobs';

/**
 * A discrete-event simulation of warm pools under a keep-alive policy: jobs are submitted at
 * the trace's instants, take a matching Available pool (SageMaker's choice as the emulator
 * plays it: the pool that expires soonest) or start cold, run, and leave a pool that the
 * policy then keeps, extends or stops. Costs follow the benchmark's model: idle billable
 * instance-time × price, plus, per cold start, the extra start-up time × (cluster price +
 * the value of the user's waiting time).
 *
 * The learned policies call production code: `evaluatePool` (the sweep's whole policy step)
 * or `adviseKeepAlive` (the strategy alone), with gap distributions learnt online, exactly as
 * the usage-stats reactor records them: an exact gap when a pool is reused, a censored idle
 * time when it ends unreused, per match key and per owner, the newest N per scope. A decision
 * at time t only sees samples recorded before t: the event loop adds them when the deployed
 * system would record them (a pool that ended unreused: when the sweep finds it ended).
 */
export type SimPolicy =
  /** No warm pools at all: every job starts cold. */
  | { readonly kind: 'none' }
  /** Every job asks for the same keep-alive ('own': the trace's own) and nothing acts on the pools. */
  | { readonly kind: 'fixed'; readonly seconds: number | 'own' }
  /**
   * poolwarden as deployed: each job asks for `jobKeepAliveSeconds`; `evaluatePool` runs when
   * the pool becomes Available (the policy reactor) and at every sweep tick; stop and extend
   * act as UpdateTrainingJob does.
   */
  | { readonly kind: 'sweep'; readonly setup: PolicySetup }
  /**
   * The strategy alone, acted on at its own keepUntil (no sweep delay, no per-call cap: an
   * idealised deployment): asked when the pool becomes Available, asked again at keepUntil.
   */
  | { readonly kind: 'advice'; readonly settings: KeepAliveSettings; readonly prices: PriceTable }
  /**
   * The offline oracle: a pool that becomes Available knows the next submission with its match
   * key not already promised to another pool, and is kept exactly until then if idling costs
   * less than a cold start, else released at once.
   */
  | { readonly kind: 'oracle' };

export interface SimOptions {
  /** Seconds from submission to training start: the emulator's P90 figures by default. */
  readonly startup: { readonly cold: number; readonly warm: number };
  readonly waitingValuePerHourUsd: number;
  readonly limits: KeepAliveLimits;
  /**
   * What each job asks for under poolwarden (kinds `sweep`); the strategy then shortens or extends
   * it. 'own': the trace's keepAliveSeconds (whatif; prepare the jobs with honourOwnKeepAlive).
   */
  readonly jobKeepAliveSeconds: number | 'own';
  readonly sweepEverySeconds: number;
  /** How many of a scope's newest gaps the strategies learn from (as sweepStats). */
  readonly gapsPerScope: number;
  /**
   * As production learns (usageStatsReactor): a pool the policy stopped records no censored idle
   * time; the next cold submission with its match key records the exact gap the pool would have
   * had (or, after the horizon without one, a gap censored at the horizon). Off: the old
   * behaviour, a censored sample at the stop, which traps "stop at once" (kept for comparison).
   */
  readonly learnMissedReuses: boolean;
  readonly learning: GapLearningOptions;
  /**
   * As deployed (kind `sweep`): a pool that ended unreused is learned when the sweep finds it
   * ended, by describing it at its predicted end: at the first sweep minute from its expiry, or
   * at the minute after a stop (a stop sets the predicted end to the stop itself). That sweep read
   * its statistics before describing, so only later decisions see the sample, and a cold start of
   * the key before then cannot tell a stopped pool's missed reuse. Off: learned at the instant
   * the pool ended (the idealised `advice` kind always learns so).
   */
  readonly learnEndsAtSweep: boolean;
  /**
   * Kind `sweep`: evaluate a pool only at the sweep minutes at which its decision may change: the
   * first one at or after the decision's holdsUntilMs (evaluatePool), or the first one after a
   * change of what it reads (its match key's samples, its owner's submissions, its team's pools,
   * the UTC day). Off: every sweep minute. The results are the same (the tests compare them);
   * only `evaluations` differs.
   */
  readonly skipInstants: boolean;
  /**
   * Only costs from this instant on are counted (idle time after it, cold starts of jobs
   * submitted after it): a run learns from the whole trace and is judged on its later part.
   */
  readonly costFromMs?: number;
  /** Told of every policy decision (kinds `sweep` and `advice`): for tests and diagnosis. */
  readonly onDecision?: (decision: SimDecision) => void;
  /** Told of every submission, warm (with the pool it took) or cold: to compare runs job by job. */
  readonly onJobStart?: (start: {
    readonly job: string;
    readonly atMs: number;
    readonly pool?: string;
  }) => void;
}

export interface SimDecision {
  readonly nowMs: number;
  readonly pool: string;
  /** The job that left the pool Available (its hop). */
  readonly job: string;
  readonly idleSeconds: number;
  readonly action: string;
  readonly cause?: string;
  readonly reason: string;
  /** Samples in the distribution the decision used, and the newest sample's time. */
  readonly samples: number;
  readonly newestSampleAtMs?: number;
}

export const DEFAULT_SIM_OPTIONS: SimOptions = {
  startup: { cold: 143, warm: 21 },
  waitingValuePerHourUsd: 0,
  limits: DEFAULT_KEEP_ALIVE_LIMITS,
  jobKeepAliveSeconds: 3600,
  sweepEverySeconds: DECISION_PERIOD_SECONDS,
  gapsPerScope: GAPS_PER_SCOPE,
  learnMissedReuses: true,
  learning: DEFAULT_GAP_LEARNING,
  learnEndsAtSweep: true,
  skipInstants: true,
};

export interface SimResult {
  readonly jobs: number;
  readonly warmStarts: number;
  readonly coldStarts: number;
  readonly poolsCreated: number;
  /** Idle billable instance-seconds. */
  readonly idleInstanceSeconds: number;
  readonly idleUsd: number;
  /** Extra start-up time of cold starts × cluster price. */
  readonly coldStartUsd: number;
  /** Extra start-up time of cold starts × the value of waiting. */
  readonly waitingUsd: number;
  readonly totalUsd: number;
  /** Policy evaluations (evaluatePool or adviseKeepAlive calls). */
  readonly evaluations: number;
  /** UpdateTrainingJob calls the policy would make (stops and extensions). */
  readonly updates: number;
}

interface Pool {
  readonly id: string;
  readonly bornAtMs: number;
  readonly head: SimJob;
  readonly headStartedAtMs: number;
  readonly reusedPoolOf?: string;
  readonly availableSinceMs: number;
  keepAliveSeconds: number;
  expiresAtMs: number;
  version: number;
  open: boolean;
  /** Creation order: the sweep evaluates pools in it at each minute (the check's rank). */
  readonly order: number;
  /** The pending check's instant (Infinity: none); any other check event is stale. */
  nextCheckAtMs: number;
  /** From its rule, read at its first decision: what a change of its team's spend matters to. */
  teamCapUsd: number | null;
  extendWithinMs: number;
  readsOwnerActivity: boolean;
  /**
   * The head job's ledger snapshot, made at the pool's first decision: it depends only on the
   * head and when it started and ended, and a pool is decided on dozens of times.
   */
  headSnapshot: JobSnapshot | undefined;
}

type SimEvent =
  | {
      readonly kind: 'end';
      readonly atMs: number;
      readonly rank: 0;
      readonly job: SimJob;
      readonly startedAtMs: number;
      readonly pool?: Pool;
    }
  | {
      readonly kind: 'expire';
      readonly atMs: number;
      readonly rank: 1;
      readonly pool: Pool;
      readonly version: number;
    }
  | {
      readonly kind: 'learn';
      readonly atMs: number;
      readonly rank: 3;
      readonly head: SimJob;
      readonly sample: GapSample & { unresolved?: boolean };
      readonly endedAtMs: number;
    }
  | {
      readonly kind: 'check';
      readonly atMs: number;
      /** 2 and a fraction: the pools of one minute in creation order, after ends and expiries. */
      readonly rank: number;
      readonly pool: Pool;
      readonly version: number;
    };

/**
 * A stored sample; an unresolved stop names the scopes it is stored under, to be resolved in each.
 * One shape for every sample: the learner reads thousands of them per instant.
 */
class StoredGap implements TimedGap {
  constructor(
    readonly gapSeconds: number,
    readonly reused: boolean,
    readonly atMs: number,
    readonly unresolved: boolean,
    readonly scopes: readonly GapScope[] | null,
    /** The replay knows every head's start-up. */
    readonly startupSeconds: number,
  ) {}
}

interface StoredScope {
  current: readonly StoredGap[];
  /** The refresh bucket of the first change in it, and the samples as they stood before that change. */
  changedInBucket: number;
  atBucketStart: readonly StoredGap[];
}

/**
 * The newest `limit` of `list` and `gap`, the new one last, in an array of exactly that length. A
 * scope's array lives until its next samples replace it, long enough to be copied by two
 * young-generation collections and promoted: one grown by a push after a slice would carry half
 * its length again as spare room (and the slice's copy as garbage), once per scope and sample.
 */
const newestWith = (list: readonly StoredGap[], gap: StoredGap, limit: number): StoredGap[] => {
  const from = list.length + 1 - limit;
  if (from <= 0) return list.concat(gap);
  // One more than kept, from the one before the first kept: moved down by one, the new one last.
  const next = list.slice(from - 1);
  const last = next.length - 1;
  for (let k = 0; k < last; k++) next[k] = next[k + 1] as StoredGap;
  next[last] = gap;
  return next;
};

/**
 * Each scope's newest gaps. A scope's array is replaced (never changed in place) when a sample
 * arrives, so that GapLearnerMemo relearns only what changed. A decision sees its match key's
 * samples as they are, and the broader scopes' (owner, team, family) as they stood at the start
 * of the instant's refresh bucket: what a decision learns is then a function of its instant, not
 * of which instants were evaluated before, and a family's prior is relearned once per bucket,
 * not on each of its samples.
 */
class GapStore {
  /** By scope kind, then key: a lookup builds no string (match keys are long). */
  private readonly scopes = new Map<GapScopeKind, Map<string, StoredScope>>();
  private newest = Number.NEGATIVE_INFINITY;
  private used = 0;

  constructor(private readonly limit: number) {}

  private stored(scope: GapScope): StoredScope | undefined {
    return this.scopes.get(scope.kind)?.get(scope.key);
  }

  private put(scope: GapScope, kept: readonly StoredGap[], atMs: number) {
    const bucket = refreshBucketOf(atMs);
    const stored = this.stored(scope);
    if (!stored) {
      let byKey = this.scopes.get(scope.kind);
      if (!byKey) {
        byKey = new Map();
        this.scopes.set(scope.kind, byKey);
      }
      byKey.set(scope.key, { current: kept, changedInBucket: bucket, atBucketStart: [] });
      return;
    }
    if (stored.changedInBucket !== bucket) {
      stored.changedInBucket = bucket;
      stored.atBucketStart = stored.current;
    }
    stored.current = kept;
  }

  add(job: SimJob, sample: GapSample & { unresolved?: boolean }, atMs: number, recordedAtMs = atMs): void {
    const scopes = scopesOf(job);
    const unresolved = sample.unresolved === true;
    const gap = new StoredGap(
      sample.gapSeconds,
      sample.reused,
      atMs,
      unresolved,
      unresolved ? scopes : null,
      sample.startupSeconds ?? 0,
    );
    for (const scope of scopes) {
      this.put(scope, newestWith(this.stored(scope)?.current ?? [], gap, this.limit), recordedAtMs);
    }
  }

  /**
   * The newest sample of the key that ended by `nowMs`, if unresolved and within the horizon,
   * becomes the exact gap to `nowMs` in every scope it is stored under.
   */
  resolve(matchKey: string, nowMs: number, horizonSeconds: number): void {
    const key = this.stored({ kind: 'matchKey', key: matchKey })?.current ?? [];
    let last: StoredGap | undefined;
    for (let i = key.length - 1; i >= 0; i--) {
      const g = key[i];
      if (g && g.atMs <= nowMs) {
        last = g;
        break;
      }
    }
    if (!last?.unresolved) return;
    const availableSinceMs = last.atMs - last.gapSeconds * 1000;
    const gapSeconds = (nowMs - availableSinceMs) / 1000;
    if (gapSeconds > horizonSeconds) return;
    const exact = new StoredGap(gapSeconds, true, last.atMs, false, null, last.startupSeconds);
    for (const scope of last.scopes ?? []) {
      const list = this.stored(scope)?.current;
      if (list)
        this.put(
          scope,
          list.map((g) => (g === last ? exact : g)),
          nowMs,
        );
    }
  }

  /** The lookup a decision at `nowMs` learns from. */
  lookupAt(nowMs: number): (scope: GapScope) => readonly TimedGap[] | undefined {
    const bucket = refreshBucketOf(nowMs);
    return (scope) => {
      const entry = this.stored(scope);
      if (!entry) return undefined;
      const stored =
        scope.kind !== 'matchKey' && entry.changedInBucket === bucket ? entry.atBucketStart : entry.current;
      if (stored.length === 0) return undefined;
      this.used += stored.length;
      // Samples arrive in time order: the last is the newest.
      this.newest = Math.max(this.newest, stored[stored.length - 1]?.atMs ?? this.newest);
      return stored;
    };
  }

  /** What the last decision looked at: how many samples, and the newest one's time. */
  take(): { samples: number; newestAtMs?: number } {
    const seen = {
      samples: this.used,
      ...(Number.isFinite(this.newest) ? { newestAtMs: this.newest } : {}),
    };
    this.used = 0;
    this.newest = Number.NEGATIVE_INFINITY;
    return seen;
  }
}

/** usageStatsReactor's stored scopes: match key, owner, team, instance family. */
const scopesOfJob = new WeakMap<SimJob, readonly GapScope[]>();
const scopesOf = (job: SimJob): readonly GapScope[] => {
  const known = scopesOfJob.get(job);
  if (known) return known;
  const scopes = gapScopes({
    matchKey: job.matchKey,
    instanceType: job.instanceType,
    ...(job.owner !== undefined ? { owner: job.owner } : {}),
    ...(job.team !== undefined ? { team: job.team } : {}),
  });
  scopesOfJob.set(job, scopes);
  return scopes;
};

/** Runs one policy over the jobs (from prepareJobs). Deterministic. */
export const simulate = (
  jobs: readonly SimJob[],
  policy: SimPolicy,
  overrides: Partial<SimOptions> = {},
): SimResult => {
  const options: SimOptions = { ...DEFAULT_SIM_OPTIONS, ...overrides };
  const { limits, startup } = options;
  const extraColdSeconds = Math.max(0, startup.cold - startup.warm);
  const tickMs = options.sweepEverySeconds * 1000;
  const queue = new EventQueue<SimEvent>();
  const available = new Map<string, Set<Pool>>();
  const promised = new Map<number, Pool>();
  const gaps = new GapStore(options.gapsPerScope);
  const lastSubmitByOwner = new Map<string, number>();

  // The oracle's view of the future: each match key's submissions, in order.
  const arrivalsByKey = new Map<string, SimJob[]>();
  const nextUnpromised = new Map<string, number>();
  if (policy.kind === 'oracle') {
    for (const job of jobs) {
      const list = arrivalsByKey.get(job.matchKey) ?? [];
      list.push(job);
      arrivalsByKey.set(job.matchKey, list);
    }
  }

  let warmStarts = 0;
  let poolsCreated = 0;
  const meter = new CostMeter(options.waitingValuePerHourUsd, extraColdSeconds);
  const costFromMs = options.costFromMs ?? Number.NEGATIVE_INFINITY;
  const memo = new GapLearnerMemo();
  const explain = options.onDecision !== undefined;
  let evaluations = 0;
  let updates = 0;

  // Each team's sets of `available` that ever held one of its pools, in the order of `available`
  // (keys are never removed from it): a team's pools read in the order a walk over every pool
  // meets them, so that sums over them add alike, without walking every other team's pools.
  const setOrder = new Map<Set<Pool>, number>();
  const teamSets = new Map<string, { readonly sets: Set<Pool>[]; readonly has: Set<Set<Pool>> }>();
  const addAvailable = (pool: Pool) => {
    let set = available.get(pool.head.matchKey);
    if (!set) {
      set = new Set();
      available.set(pool.head.matchKey, set);
      setOrder.set(set, setOrder.size);
    }
    set.add(pool);
    const team = pool.head.team;
    if (team === undefined) return;
    let ofTeam = teamSets.get(team);
    if (!ofTeam) {
      ofTeam = { sets: [], has: new Set() };
      teamSets.set(team, ofTeam);
    }
    if (ofTeam.has.has(set)) return;
    ofTeam.has.add(set);
    const at = setOrder.get(set) ?? 0;
    let place = ofTeam.sets.length;
    while (place > 0 && (setOrder.get(ofTeam.sets[place - 1] as Set<Pool>) ?? 0) > at) place--;
    ofTeam.sets.splice(place, 0, set);
  };
  const noSets: readonly Set<Pool>[] = [];
  /** The team's sets, the emptied ones left out (a pool added to one again puts it back in its place). */
  const setsOfTeam = (team: string): readonly Set<Pool>[] => {
    const ofTeam = teamSets.get(team);
    if (!ofTeam) return noSets;
    const { sets, has } = ofTeam;
    let kept = 0;
    for (const set of sets) {
      if (set.size > 0) sets[kept++] = set;
      else has.delete(set);
    }
    sets.length = kept;
    return sets;
  };

  // Idle spend as the sweep reads it (sweepStats.ts): the pool's current idle period since UTC
  // midnight; the team's ended hops counted on the day they ended, plus its Available pools.
  /** By team, then UTC day: a read at every decision builds no key string. */
  const endedSpend = new Map<string, Map<number, number>>();
  const dayOf = (ms: number) => Math.floor(ms / 86_400_000);
  const endedSpendOf = (team: string, day: number): number => endedSpend.get(team)?.get(day) ?? 0;
  const liveUsd = (pool: Pool, nowMs: number) =>
    (Math.max(0, nowMs - Math.max(pool.availableSinceMs, dayOf(nowMs) * 86_400_000)) / 1000) *
    ((pool.head.pricePerInstanceHourUsd * pool.head.instanceCount) / 3600);
  const rateOf = (pool: Pool) => (pool.head.pricePerInstanceHourUsd * pool.head.instanceCount) / 3600;
  const spendOf = (pool: Pool, nowMs: number) => {
    const team = pool.head.team;
    const own = { poolIdleUsdToday: liveUsd(pool, nowMs), poolIdleUsdPerSecond: rateOf(pool) };
    if (team === undefined) return own;
    let teamUsd = endedSpendOf(team, dayOf(nowMs));
    let teamRate = 0;
    for (const set of setsOfTeam(team))
      for (const p of set)
        if (p.head.team === team) {
          teamUsd += liveUsd(p, nowMs);
          teamRate += rateOf(p);
        }
    return {
      poolIdleUsdToday: own.poolIdleUsdToday,
      poolIdleUsdPerSecond: own.poolIdleUsdPerSecond,
      teamIdleUsdToday: teamUsd,
      teamIdleUsdPerSecond: teamRate,
    };
  };

  // Skipping instants (kind sweep): a pool is evaluated at the first minute at or after its
  // decision's holdsUntilMs, or sooner when what it reads changes (wakeAt).
  const skipping = options.skipInstants && policy.kind === 'sweep';
  const checkRank = (pool: Pool) => 2 + pool.order / (jobs.length + 1);
  /** The rank of the event being handled (Infinity: a submission, handled after every event of its instant). */
  let currentRank = Number.POSITIVE_INFINITY;

  const scheduleCheck = (pool: Pool, atMs: number) => {
    if (atMs >= pool.expiresAtMs || atMs >= pool.nextCheckAtMs) return;
    pool.nextCheckAtMs = atMs;
    queue.push({ kind: 'check', atMs, rank: checkRank(pool), pool, version: pool.version });
  };

  /**
   * What the pool reads changed at `atMs`: its first sweep minute that sees the change, which is
   * this one if the pool's turn in it is still to come.
   */
  const wakeAt = (pool: Pool, atMs: number) => {
    if (!skipping) return;
    let minute = Math.ceil(atMs / tickMs) * tickMs;
    if (minute === atMs && checkRank(pool) <= currentRank) minute += tickMs;
    scheduleCheck(pool, minute);
  };

  const wakeKey = (matchKey: string, atMs: number) => {
    if (!skipping) return;
    for (const pool of available.get(matchKey) ?? []) wakeAt(pool, atMs);
  };

  const wakeOwner = (owner: string, atMs: number) => {
    if (!skipping) return;
    for (const set of available.values())
      for (const pool of set) if (pool.readsOwnerActivity && pool.head.owner === owner) wakeAt(pool, atMs);
  };

  /**
   * The team's idle spend, or its rate, changed: its pools with a team cap whose crossing is now
   * sooner, and those that could extend (an extension's room depends on the spend), look again.
   */
  const wakeTeam = (team: string | undefined, atMs: number) => {
    if (!skipping || team === undefined) return;
    let teamUsd = endedSpendOf(team, dayOf(atMs));
    let teamRate = 0;
    const pools: Pool[] = [];
    for (const set of setsOfTeam(team))
      for (const p of set)
        if (p.head.team === team) {
          teamUsd += liveUsd(p, atMs);
          teamRate += rateOf(p);
          pools.push(p);
        }
    for (const p of pools) {
      if (p.teamCapUsd === null) continue;
      if (atMs >= p.expiresAtMs - p.extendWithinMs || teamUsd >= p.teamCapUsd || teamRate <= 0) {
        wakeAt(p, atMs);
      } else {
        wakeAt(p, Math.max(atMs, atMs + ((p.teamCapUsd - teamUsd) / teamRate) * 1000 - 2000));
      }
    }
  };

  const keepAliveOf = (job: SimJob): number =>
    options.jobKeepAliveSeconds === 'own' ? job.keepAliveSeconds : options.jobKeepAliveSeconds;

  const close = (pool: Pool, atMs: number, reused: boolean, byPolicy = false) => {
    pool.open = false;
    pool.version++;
    available.get(pool.head.matchKey)?.delete(pool);
    // The pools behind it move up (sameKeyRank): they look again.
    wakeKey(pool.head.matchKey, atMs);
    const seconds = Math.max(0, (atMs - pool.availableSinceMs) / 1000);
    const counted = Math.max(0, (atMs - Math.max(pool.availableSinceMs, costFromMs)) / 1000);
    const team = pool.head.team;
    if (team !== undefined) {
      let byDay = endedSpend.get(team);
      if (!byDay) {
        byDay = new Map();
        endedSpend.set(team, byDay);
      }
      const day = dayOf(atMs);
      byDay.set(
        day,
        (byDay.get(day) ?? 0) +
          seconds * ((pool.head.pricePerInstanceHourUsd * pool.head.instanceCount) / 3600),
      );
    }
    meter.idle(counted, pool.head.instanceCount, pool.head.pricePerInstanceHourUsd);
    wakeTeam(pool.head.team, atMs);
    const unresolved = byPolicy && options.learnMissedReuses;
    // As usageStatsReactor: the head's start-up (its start less its submission) with every gap.
    const sample = {
      gapSeconds: seconds,
      reused,
      startupSeconds: (pool.headStartedAtMs - pool.head.submitAtMs) / 1000,
      ...(unresolved ? { unresolved } : {}),
    };
    // A reuse is learned when the reusing job starts (its first event), which is now.
    if (reused || policy.kind !== 'sweep' || !options.learnEndsAtSweep) {
      gaps.add(pool.head, sample, atMs);
      wakeKey(pool.head.matchKey, atMs);
      return;
    }
    const describedAtMs = byPolicy
      ? (Math.floor(atMs / tickMs) + 1) * tickMs
      : Math.ceil(atMs / tickMs) * tickMs;
    queue.push({ kind: 'learn', atMs: describedAtMs, rank: 3, head: pool.head, sample, endedAtMs: atMs });
  };

  /** As usageStatsReactor: a cold submission tells the gap the last stopped pool of its key would have had. */
  const learnFromGhosts = (job: SimJob, cold: boolean) => {
    if (cold && options.learnMissedReuses) {
      gaps.resolve(job.matchKey, job.submitAtMs, options.learning.missedReuseHorizonSeconds);
      wakeKey(job.matchKey, job.submitAtMs);
    }
  };

  /** The pool a matching job takes, by the assumed choice (lib/domain/poolChoice.ts), as the emulator plays it. */
  const pick = (key: string): Pool | undefined => {
    let best: Pool | undefined;
    for (const pool of available.get(key) ?? []) {
      if (!best || assumedHandOutOrder(pool, best) < 0) best = pool;
    }
    return best;
  };

  const scheduleExpiry = (pool: Pool) =>
    queue.push({ kind: 'expire', atMs: pool.expiresAtMs, rank: 1, pool, version: pool.version });

  /** After a decision: the next sweep minute, or when skipping, the first that may decide otherwise. */
  const scheduleTick = (pool: Pool, nowMs: number, holdsUntilMs = nowMs) => {
    pool.nextCheckAtMs = Number.POSITIVE_INFINITY;
    const nextMinute = (Math.floor(nowMs / tickMs) + 1) * tickMs;
    let next = nextMinute;
    if (skipping && holdsUntilMs > nextMinute) {
      // The spend is counted per UTC day: a new day can only loosen a cap, and is looked at.
      const nextDay = (dayOf(nowMs) + 1) * 86_400_000;
      next = Math.min(Math.ceil(holdsUntilMs / tickMs) * tickMs, Math.max(nextMinute, nextDay));
    }
    scheduleCheck(pool, next);
  };

  const headSnapshot = (pool: Pool): JobSnapshot => {
    pool.headSnapshot ??= snapshotOf(
      pool.head,
      { startedAtMs: pool.headStartedAtMs, endedAtMs: pool.availableSinceMs },
      keepAliveOf(pool.head),
    );
    return pool.headSnapshot;
  };

  const headRecord = (pool: Pool, nowMs: number): JobRecord => ({
    name: pool.head.name,
    job: headSnapshot(pool),
    pool: {
      status: 'Available',
      keepAliveSeconds: pool.keepAliveSeconds,
      availableSinceMs: pool.availableSinceMs,
      expiresAtMs: pool.expiresAtMs,
      bornAtMs: pool.bornAtMs,
      poolId: pool.id,
      observedAtMs: nowMs,
    },
    ...(pool.reusedPoolOf !== undefined ? { reusedPoolOf: pool.reusedPoolOf } : {}),
  });

  /** The sweep's (or the policy reactor's) step for one pool: decide, then act as SageMaker would. */
  const sweepStep = (setup: PolicySetup, pool: Pool, nowMs: number) => {
    evaluations++;
    const owner = pool.head.owner;
    const lastSubmit = owner !== undefined ? lastSubmitByOwner.get(owner) : undefined;
    const { decision, rule, holdsUntilMs } = evaluatePool(setup, {
      head: headRecord(pool, nowMs),
      nowMs,
      ...(lastSubmit !== undefined ? { ownerLastSubmittedAtMs: lastSubmit } : {}),
      spend: spendOf(pool, nowMs),
      // As the sweep: ranked among the Available pools of its key, by SageMaker's choice rule.
      sameKey: sameKeyRankOf(pool, available.get(pool.head.matchKey) ?? []),
      gaps: gaps.lookupAt(nowMs),
      memo,
      learning: options.learning,
      // The reasons are read only by onDecision: unwritten, a replay takes about a sixth less time.
      explain,
    });
    pool.teamCapUsd = rule.settings.caps.idleSpendPerTeamPerDayUsd;
    pool.extendWithinMs = rule.settings.extend.withinSeconds * 1000;
    pool.readsOwnerActivity = rule.settings.extend.when.ownerActiveWithinSeconds !== null;
    const used = gaps.take();
    options.onDecision?.({
      nowMs,
      pool: pool.id,
      job: pool.head.name,
      idleSeconds: (nowMs - pool.availableSinceMs) / 1000,
      action: decision.action,
      cause: decision.cause,
      reason: decision.reason,
      samples: used.samples,
      ...(used.newestAtMs !== undefined ? { newestSampleAtMs: used.newestAtMs } : {}),
    });
    if (decision.dryRun) return scheduleTick(pool, nowMs, holdsUntilMs);
    if (decision.action === 'stop') {
      updates++;
      close(pool, nowMs, false, true);
      return;
    }
    if (decision.action === 'extend' && decision.keepAliveSeconds !== undefined) {
      updates++;
      pool.keepAliveSeconds = decision.keepAliveSeconds;
      pool.expiresAtMs = expiryAfterUpdate(nowMs, decision.keepAliveSeconds, pool.bornAtMs, limits);
      pool.version++;
      scheduleExpiry(pool);
      // A later expiry moves it in its key's order (sameKeyRank): the others look again.
      wakeKey(pool.head.matchKey, nowMs);
      return scheduleTick(pool, nowMs);
    }
    scheduleTick(pool, nowMs, holdsUntilMs);
  };

  /** The strategy alone: keep until its keepUntil (within the lifetime cap), then ask again. */
  const adviceStep = (settings: KeepAliveSettings, prices: PriceTable, pool: Pool, nowMs: number) => {
    evaluations++;
    const facts = poolFactsOfHead(headRecord(pool, nowMs));
    const price = prices[pool.head.instanceType];
    const learned = memo.learn(gapScopes(facts), gaps.lookupAt(nowMs), nowMs, options.learning);
    const ctx = keepAliveContext(settings, facts, nowMs, learned, price, { explain });
    const advice = ctx ? createStrategy(settings).advise(ctx) : undefined;
    const used = gaps.take();
    options.onDecision?.({
      nowMs,
      pool: pool.id,
      job: pool.head.name,
      idleSeconds: (nowMs - pool.availableSinceMs) / 1000,
      action: (advice?.keepUntilMs ?? nowMs) <= nowMs ? 'stop' : 'keep',
      reason: advice?.basis ?? 'no advice',
      samples: used.samples,
      ...(used.newestAtMs !== undefined ? { newestSampleAtMs: used.newestAtMs } : {}),
    });
    const lifetimeEnd = pool.bornAtMs + limits.lifetimeCapSeconds * 1000;
    const until = Math.min(advice?.keepUntilMs ?? nowMs, lifetimeEnd);
    if (until <= nowMs) {
      updates++;
      close(pool, nowMs, false, true);
      return;
    }
    if (until !== pool.expiresAtMs) updates++;
    pool.expiresAtMs = until;
    pool.version++;
    queue.push({ kind: 'check', atMs: until, rank: 2, pool, version: pool.version });
  };

  const oracleKeep = (pool: Pool, nowMs: number): boolean => {
    const key = pool.head.matchKey;
    const list = arrivalsByKey.get(key) ?? [];
    // Submissions before now can never be served; events at one instant run before its submissions.
    let first = nextUnpromised.get(key) ?? 0;
    while (first < list.length && (list[first]?.submitAtMs ?? 0) < nowMs) first++;
    nextUnpromised.set(key, first);
    let i = first;
    while (i < list.length && promised.has(list[i]?.index ?? -1)) i++;
    const next = list[i];
    if (!next) return false;
    const idleSeconds = (next.submitAtMs - nowMs) / 1000;
    const costs = poolCosts({
      pricePerInstanceHourUsd: pool.head.pricePerInstanceHourUsd,
      instanceCount: pool.head.instanceCount,
      coldStartSeconds: extraColdSeconds,
      waitingValuePerHourUsd: options.waitingValuePerHourUsd,
    });
    if (idleSeconds * costs.idleUsdPerSecond >= costs.coldStartUsd) return false;
    if (next.submitAtMs > pool.bornAtMs + limits.lifetimeCapSeconds * 1000) return false;
    pool.expiresAtMs = next.submitAtMs;
    promised.set(next.index, pool);
    return true;
  };

  const submit = (job: SimJob) => {
    const nowMs = job.submitAtMs;
    if (job.owner) {
      lastSubmitByOwner.set(job.owner, nowMs);
      wakeOwner(job.owner, nowMs);
    }
    let pool: Pool | undefined;
    if (policy.kind === 'oracle') {
      pool = promised.get(job.index);
      promised.delete(job.index);
    } else if (policy.kind !== 'none') {
      pool = pick(job.matchKey);
    }
    learnFromGhosts(job, pool === undefined);
    options.onJobStart?.({ job: job.name, atMs: nowMs, ...(pool ? { pool: pool.id } : {}) });
    if (pool) {
      if (nowMs >= costFromMs) warmStarts++;
      close(pool, nowMs, true);
    } else {
      if (nowMs >= costFromMs) meter.coldStart(job.instanceCount, job.pricePerInstanceHourUsd);
    }
    const startedAtMs = nowMs + (pool ? startup.warm : startup.cold) * 1000;
    queue.push({
      kind: 'end',
      atMs: startedAtMs + job.runSeconds * 1000,
      rank: 0,
      job,
      startedAtMs,
      ...(pool ? { pool } : {}),
    });
  };

  const jobEnds = (event: Extract<SimEvent, { kind: 'end' }>) => {
    const { job, atMs } = event;
    if (!job.leavesPool || policy.kind === 'none') return;
    const previous = event.pool;
    const bornAtMs = previous?.bornAtMs ?? atMs;
    if (atMs >= bornAtMs + limits.lifetimeCapSeconds * 1000) return;
    poolsCreated++;
    const pool: Pool = {
      id: previous?.id ?? job.name,
      bornAtMs,
      head: job,
      headStartedAtMs: event.startedAtMs,
      ...(previous ? { reusedPoolOf: previous.head.name } : {}),
      availableSinceMs: atMs,
      keepAliveSeconds: 0,
      expiresAtMs: atMs,
      version: 0,
      open: true,
      order: poolsCreated,
      nextCheckAtMs: Number.POSITIVE_INFINITY,
      teamCapUsd: null,
      extendWithinMs: 0,
      readsOwnerActivity: false,
      headSnapshot: undefined,
    };
    switch (policy.kind) {
      case 'fixed': {
        const seconds = policy.seconds === 'own' ? job.keepAliveSeconds : policy.seconds;
        pool.keepAliveSeconds = seconds;
        pool.expiresAtMs = expiryAfterJobEnd(atMs, seconds, bornAtMs, limits);
        addAvailable(pool);
        scheduleExpiry(pool);
        return;
      }
      case 'oracle':
        if (!oracleKeep(pool, atMs)) close(pool, atMs, false);
        return;
      case 'sweep':
        pool.keepAliveSeconds = keepAliveOf(job);
        pool.expiresAtMs = expiryAfterJobEnd(atMs, pool.keepAliveSeconds, bornAtMs, limits);
        addAvailable(pool);
        // A pool that expires sooner goes ahead of others of its key (sameKeyRank): they look again.
        wakeKey(job.matchKey, atMs);
        wakeTeam(job.team, atMs);
        scheduleExpiry(pool);
        sweepStep(policy.setup, pool, atMs);
        return;
      case 'advice':
        addAvailable(pool);
        adviceStep(policy.settings, policy.prices, pool, atMs);
        return;
    }
  };

  let next = 0;
  for (;;) {
    const top = queue.peek();
    const job = jobs[next];
    if (!top && !job) break;
    if (job && (!top || job.submitAtMs < top.atMs)) {
      currentRank = Number.POSITIVE_INFINITY;
      submit(job);
      next++;
      continue;
    }
    const event = queue.pop() as SimEvent;
    currentRank = event.rank;
    switch (event.kind) {
      case 'end':
        jobEnds(event);
        break;
      case 'learn':
        gaps.add(event.head, event.sample, event.endedAtMs, event.atMs);
        wakeKey(event.head.matchKey, event.atMs);
        break;
      case 'expire':
        if (event.pool.open && event.pool.version === event.version) close(event.pool, event.atMs, false);
        break;
      case 'check':
        if (!event.pool.open || event.pool.version !== event.version) break;
        if (policy.kind === 'sweep' && event.atMs !== event.pool.nextCheckAtMs) break;
        if (policy.kind === 'sweep') sweepStep(policy.setup, event.pool, event.atMs);
        else if (policy.kind === 'advice') adviceStep(policy.settings, policy.prices, event.pool, event.atMs);
        break;
    }
  }

  return {
    jobs: jobs.filter((j) => j.submitAtMs >= costFromMs).length,
    warmStarts,
    coldStarts: meter.coldStarts,
    poolsCreated,
    idleInstanceSeconds: meter.idleInstanceSeconds,
    ...meter.breakdown(),
    evaluations,
    updates,
  };
};
