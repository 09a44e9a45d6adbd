import { formatUsd } from './duration';
import type { Caps } from './policy';

/** Idle spend so far in the caller's accounting day, including the current idle period up to now. */
export interface SpendFacts {
  readonly poolIdleUsdToday?: number;
  /** Only used for a pool with a team; a pool without one is bounded by the pool cap alone. */
  readonly teamIdleUsdToday?: number;
  /** How fast the pool's idle spend grows while it idles; absent: at its price. */
  readonly poolIdleUsdPerSecond?: number;
  /**
   * How fast the team's idle spend grows now (all its Available pools): lets a decision say when
   * the team's cap will be reached. Absent: as fast as this pool's own.
   */
  readonly teamIdleUsdPerSecond?: number;
}

export type SpendCheck =
  /** A cap is reached: the pool should stop. */
  | { readonly kind: 'reached'; readonly reason: string }
  /** Further idling the caps allow, in seconds (Infinity: no cap applies). */
  | { readonly kind: 'headroom'; readonly seconds: number; readonly boundBy?: string }
  /** A cap applies but a fact it needs is missing: never stop on a guess, never extend either. */
  | { readonly kind: 'unknown'; readonly reason: string };

interface CapFacts {
  /** The team of a team cap; absent: the pool's own cap. */
  readonly team?: string;
  readonly capUsd: number;
  readonly spentUsd: number | undefined;
}

const labelOf = (cap: CapFacts): string =>
  cap.team === undefined ? 'idle spend cap per pool per day' : `idle spend cap of team ${cap.team} per day`;

export const checkSpend = (
  caps: Caps,
  spend: SpendFacts,
  team: string | undefined,
  idleUsdPerSecond: number | undefined,
): SpendCheck => {
  const applicable: CapFacts[] = [];
  if (caps.idleSpendPerPoolPerDayUsd !== null) {
    applicable.push({ capUsd: caps.idleSpendPerPoolPerDayUsd, spentUsd: spend.poolIdleUsdToday });
  }
  if (caps.idleSpendPerTeamPerDayUsd !== null && team !== undefined) {
    applicable.push({ team, capUsd: caps.idleSpendPerTeamPerDayUsd, spentUsd: spend.teamIdleUsdToday });
  }
  for (const cap of applicable) {
    if (cap.spentUsd !== undefined && cap.spentUsd >= cap.capUsd) {
      return {
        kind: 'reached',
        reason: `${formatUsd(cap.spentUsd)} spent idle today ≥ ${labelOf(cap)} ${formatUsd(cap.capUsd)}`,
      };
    }
  }
  let seconds = Number.POSITIVE_INFINITY;
  let bound: { readonly cap: CapFacts; readonly spentUsd: number } | undefined;
  for (const cap of applicable) {
    if (cap.spentUsd === undefined) {
      return { kind: 'unknown', reason: `today's spend for the ${labelOf(cap)} is unknown` };
    }
    if (idleUsdPerSecond === undefined) {
      return { kind: 'unknown', reason: `the price is unknown, so the ${labelOf(cap)} cannot be checked` };
    }
    const allowed =
      idleUsdPerSecond > 0 ? (cap.capUsd - cap.spentUsd) / idleUsdPerSecond : Number.POSITIVE_INFINITY;
    if (allowed < seconds) {
      seconds = allowed;
      bound = { cap, spentUsd: cap.spentUsd };
    }
  }
  if (bound === undefined) return { kind: 'headroom', seconds };
  // The bound's words are built when read: a replay checks the caps at every decision.
  const { cap, spentUsd } = bound;
  let boundBy: string | undefined;
  return {
    kind: 'headroom',
    seconds,
    get boundBy(): string {
      boundBy ??= `${labelOf(cap)} ${formatUsd(cap.capUsd)} (${formatUsd(spentUsd)} spent)`;
      return boundBy;
    },
  };
};
