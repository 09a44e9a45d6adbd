import type { PoolCosts } from '../costModel';
import { type GapDistribution, survivalAt } from './gapDistribution';

/**
 * The one expected-cost decision behind every action that keeps a pool past now (the first
 * keep-alive, an extension, a Slack "Keep"): having idled `a` seconds, keeping the pool up to idle
 * time h costs the expected idle price until a reuse or h, plus a cold start if no reuse comes
 * by h; stopping now costs that cold start. The predicted distribution is the learned gaps, with
 * the evidence of activity as a proportional hazard: S'(t) = S(t)^ratio. Evidence changes the
 * probability of a reuse; only the prices decide whether that probability is worth paying for.
 *
 * Costs are per next submission and conditional on no reuse by `a`. With a Kaplan–Meier estimate
 * the cost is linear between observed gaps, so the best h is `a` (stop now), the next decision
 * instant, or one of the observed gaps after it: those are all the candidates. A pool can only be
 * stopped at a decision instant (the sweep's minute, or an event), so a keep to an observed gap
 * before the next decision lasts until that decision: it is priced there, as the next decision
 * instant itself. Priced at the gap, a key's reuse seconds after a job's end made a keep of a few
 * seconds look worth it at $0/h, and the pool then idled until the sweep's minute.
 *
 * Pools of one match key compete for the same submissions (sameKeyRank.ts): by the assumption
 * named in poolChoice.ts (undocumented by AWS), SageMaker hands a matching job the Available pool
 * that expires soonest, so the pool of rank r is reused by t only if r same-key jobs come by t.
 * The learned hazard is taken as the intensity of the key's submissions from `a` on and their
 * count as Poisson, of mean Λ(t) = ratio × ln(S(a) / S(t)):
 * P(still idle at t) = Σ_{n<r} e^{−Λ} Λ^n / n!. For r = 1 that is S(t)^ratio / S(a)^ratio, the
 * decision of a pool alone; for r > 1 it is larger, so a pool behind others is released sooner.
 * The pools ahead are counted as staying until t: each may be extended by its own decision, and
 * counting them only until their current expiry measured worse on the training weeks.
 */
export interface KeepChoice {
  /** Idle seconds until which keeping is worth it; equal to the idle time so far: stop now. */
  readonly keepUntilIdleSeconds: number;
  readonly idleSeconds: number;
  /** P(a same-key job comes by keepUntil | idle so far, evidence); 0 when stopping. */
  readonly reuseProbability: number;
  /** Expected USD of stopping now. */
  readonly stopUsd: number;
  /** Expected USD of keeping until keepUntil (equal to stopUsd when stopping). */
  readonly keepUsd: number;
  /** Of keepUsd: the expected idle price. */
  readonly expectedIdleUsd: number;
}

export interface KeepOptions {
  /** Activity evidence: multiplies the hazard of a reuse; 1 means no evidence. */
  readonly hazardRatio: number;
  /** The pool cannot live past this idle time (lifetime cap). */
  readonly maxIdleSeconds: number;
  /** When the next decision will be taken (a sweep minute): always a candidate horizon. */
  readonly nextDecisionSeconds: number;
  /** The pool's rank among the Available pools of its key (sameKeyRank.ts); absent: 1, it alone. */
  readonly rank?: number;
}

/**
 * P(the pool is still idle at t) × S(a)^ratio, given surviving = S(t)^ratio: P(fewer than `rank`
 * submissions by t) for a Poisson count of mean Λ = ln(S(a)^ratio / S(t)^ratio). Rank 1 returns
 * `surviving` itself, so a pool alone is priced exactly as before competition was modelled.
 */
const stillIdle = (surviving: number, alive: number, rank: number): number => {
  if (rank <= 1) return surviving;
  if (surviving <= 0) return 0;
  const q = Math.min(1, surviving / alive);
  const mean = -Math.log(q);
  let term = q;
  let sum = q;
  for (let n = 1; n < rank; n++) {
    term *= mean / n;
    sum += term;
  }
  return alive * Math.min(1, sum);
};

// The walks below start their running values (idle time, survival, best cost) at `x * 1`, not `x`:
// the same number, which the optimiser then keeps unboxed; started at a parameter or a field
// itself they stay boxed, and every observed gap allocated a heap number (a replay takes millions
// of these decisions).
// A ratio of 1 (no activity evidence: most decisions) leaves S as it is, exactly as `** 1` does,
// without a power per observed gap.
const toRatio = (s: number, ratio: number): number => (ratio === 1 ? s : s ** ratio);

const survival = (gaps: GapDistribution, seconds: number, ratio: number): number =>
  toRatio(survivalAt(gaps, seconds), ratio);

/** Expected USD of keeping an idle pool from idle `a` to idle `h`, conditional on no reuse by `a`. */
export const expectedKeepUsd = (
  gaps: GapDistribution,
  idleSeconds: number,
  untilIdleSeconds: number,
  costs: PoolCosts,
  hazardRatio = 1,
  rank = 1,
): number => {
  const a = idleSeconds;
  const alive = survival(gaps, a, hazardRatio);
  const h = Math.max(a, untilIdleSeconds);
  // Past every gap ever seen: no reuse is expected, so keeping only adds idle time.
  if (alive <= 0) return costs.idleUsdPerSecond * (h - a) + costs.coldStartUsd;
  let integral = 0;
  let from = a * 1;
  let surviving = alive;
  for (let i = 0; i < gaps.eventSeconds.length; i++) {
    const at = gaps.eventSeconds[i] as number;
    if (at <= a) continue;
    if (at > h) break;
    integral += surviving * (at - from);
    surviving = stillIdle(toRatio(gaps.survival[i] as number, hazardRatio), alive, rank);
    from = at;
  }
  integral += surviving * (h - from);
  return (costs.idleUsdPerSecond * integral + costs.coldStartUsd * surviving) / alive;
};

export const chooseKeep = (
  gaps: GapDistribution,
  idleSeconds: number,
  costs: PoolCosts,
  options: KeepOptions,
): KeepChoice => {
  const a = idleSeconds;
  const ratio = options.hazardRatio;
  const stopUsd = costs.coldStartUsd;
  const stop: KeepChoice = {
    keepUntilIdleSeconds: a,
    idleSeconds: a,
    reuseProbability: 0,
    stopUsd,
    keepUsd: stopUsd,
    expectedIdleUsd: 0,
  };
  const alive = survival(gaps, a, ratio);
  if (alive <= 0 || costs.coldStartUsd <= 0) return stop;
  // The best horizon so far, as numbers: a replay takes millions of these decisions, so the
  // choice is built once, at the end, and candidates are weighed inline (a helper taking the
  // running sums would box them on every call).
  let bestH = a * 1;
  let bestKeepUsd = stopUsd * 1;
  let bestSurviving = alive * 1;
  const next = options.nextDecisionSeconds;
  const cap = options.maxIdleSeconds;
  const rank = options.rank ?? 1;
  const n = gaps.eventSeconds.length;
  // One pass over the observed gaps after `a`: between two of them S is flat, so the integral of
  // S and the cost at any horizon in between follow from the running sums. The candidates, in
  // order: the next decision instant, then each observed gap from it on.
  let integral = 0;
  let from = a * 1;
  let surviving = alive * 1;
  let nextDone = false;
  for (let i = 0; ; i++) {
    const at = i < n ? (gaps.eventSeconds[i] as number) : Number.POSITIVE_INFINITY;
    if (at <= a) continue;
    const pastCap = i >= n || at > cap;
    if (!nextDone && (next <= at || pastCap)) {
      nextDone = true;
      if (next < at && next > a && next <= cap) {
        const keepUsd =
          (costs.idleUsdPerSecond * (integral + surviving * (next - from)) + stopUsd * surviving) / alive;
        if (keepUsd < bestKeepUsd) {
          bestH = next;
          bestKeepUsd = keepUsd;
          bestSurviving = surviving;
        }
      }
    }
    if (pastCap) break;
    integral += surviving * (at - from);
    surviving = stillIdle(toRatio(gaps.survival[i] as number, ratio), alive, rank);
    from = at;
    if (at >= next) {
      const keepUsd = (costs.idleUsdPerSecond * integral + stopUsd * surviving) / alive;
      if (keepUsd < bestKeepUsd) {
        bestH = at;
        bestKeepUsd = keepUsd;
        bestSurviving = surviving;
      }
    }
  }
  if (bestH === a) return stop;
  const p = 1 - bestSurviving / alive;
  return {
    keepUntilIdleSeconds: bestH,
    idleSeconds: a,
    reuseProbability: p,
    stopUsd,
    keepUsd: bestKeepUsd,
    expectedIdleUsd: bestKeepUsd - costs.coldStartUsd * (1 - p),
  };
};

/** P(this pool is reused within `withinSeconds` | idle `idleSeconds`, the evidence, its rank). */
export const reuseWithin = (
  gaps: GapDistribution,
  idleSeconds: number,
  withinSeconds: number,
  hazardRatio = 1,
  rank = 1,
): number => {
  const alive = survival(gaps, idleSeconds, hazardRatio);
  if (alive <= 0) return 0;
  const later = stillIdle(survival(gaps, idleSeconds + withinSeconds, hazardRatio), alive, rank);
  return Math.max(0, 1 - later / alive);
};

/**
 * Until which idle time `chooseKeep` gives the same answer when only the idle time grows (the
 * same distribution, prices, evidence, cap and decision period d). With G(t) = c·∫₀ᵗ S + C·S(t)
 * (c the idle price per second, C a cold start), keeping from idle a to h costs
 * (G(h) − G(a) + C·S(a)) / S(a) against C for stopping: keeping to h pays exactly when
 * G(h) < G(a). Between observed gaps G rises (slope c·S) and at each it falls (by C times the drop
 * of S). The candidates at a are a + d and the observed gaps from a + d on, and:
 * - a keep to h holds while h is still a candidate (until h − d) and G stays above G(h): no
 *   candidate at t beats h (t + d is at or above the G of a candidate at a, every later gap is
 *   one), so the answer changes only when G(t) falls to G(h), just after an observed gap before
 *   a + d (those are no candidates at a, so their G may be lower);
 * - a stop holds until G(a), rising, passes the least G of the observed gaps still ahead: found
 *   segment by segment, over every gap ahead (a superset of the candidates, so the bound is never
 *   late). Past the last observed gap (or with no reuse left) it holds for good.
 */
export const keepChoiceHoldsUntilIdleSeconds = (
  gaps: GapDistribution,
  choice: KeepChoice,
  costs: PoolCosts,
  options: KeepOptions,
): number => {
  const a = choice.idleSeconds;
  const rank = options.rank ?? 1;
  // Behind other pools (rank > 1) the count of submissions starts afresh from each decision, so
  // the curve this pool is priced on holds only until the next observed gap moves S(a).
  const curveEndsAt =
    rank > 1
      ? (gaps.eventSeconds.find((at) => at > a) ?? Number.POSITIVE_INFINITY)
      : Number.POSITIVE_INFINITY;
  const ratio = options.hazardRatio;
  const alive = survival(gaps, a, ratio);
  const c = costs.idleUsdPerSecond;
  if (choice.keepUntilIdleSeconds > a) {
    const until = Math.max(a, choice.keepUntilIdleSeconds - (options.nextDecisionSeconds - a));
    // G(h) − G(a), from the chosen keep's price.
    const atH = alive * (choice.keepUsd - costs.coldStartUsd);
    let integral = 0;
    let from = a * 1;
    let surviving = alive;
    for (let i = 0; i < gaps.eventSeconds.length; i++) {
      const at = gaps.eventSeconds[i] as number;
      if (at <= a) continue;
      if (at >= until) break;
      integral += surviving * (at - from);
      surviving = stillIdle(toRatio(gaps.survival[i] as number, ratio), alive, rank);
      from = at;
      if (c * integral + costs.coldStartUsd * (surviving - alive) <= atH) return Math.min(curveEndsAt, at);
    }
    return Math.min(curveEndsAt, until);
  }
  if (alive <= 0 || costs.coldStartUsd <= 0) return Number.POSITIVE_INFINITY;
  // The observed gaps ahead within the cap, with G there relative to G(a), and S just after.
  const ahead: number[] = [];
  const g: number[] = [];
  const after: number[] = [];
  let integral = 0;
  let from = a * 1;
  let surviving = alive;
  for (let i = 0; i < gaps.eventSeconds.length; i++) {
    const at = gaps.eventSeconds[i] as number;
    if (at <= a) continue;
    if (at > options.maxIdleSeconds) break;
    integral += surviving * (at - from);
    surviving = stillIdle(toRatio(gaps.survival[i] as number, ratio), alive, rank);
    from = at;
    ahead.push(at);
    g.push(c * integral + costs.coldStartUsd * (surviving - alive));
    after.push(surviving);
  }
  const leastFrom: number[] = new Array(ahead.length);
  let least = Number.POSITIVE_INFINITY;
  for (let j = ahead.length - 1; j >= 0; j--) {
    least = Math.min(least, g[j] ?? least);
    leastFrom[j] = least;
  }
  let t = a * 1;
  let gt = 0;
  let slope = c * alive;
  for (let j = 0; j < ahead.length; j++) {
    const next = ahead[j] ?? t;
    const target = leastFrom[j] ?? Number.POSITIVE_INFINITY;
    if (slope > 0) {
      const paysFrom = t + (target - gt) / slope;
      if (paysFrom < next) return Math.min(curveEndsAt, Math.max(a, paysFrom));
    }
    t = next;
    gt = g[j] ?? gt;
    slope = c * (after[j] ?? 0);
    if (gt > (leastFrom[j + 1] ?? Number.POSITIVE_INFINITY)) return Math.min(curveEndsAt, t);
  }
  return curveEndsAt;
};
