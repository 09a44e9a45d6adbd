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
  readonly label: string;
  readonly capUsd: number;
  readonly spentUsd: number | undefined;
}

export const checkSpend = (
  caps: Caps,
  spend: SpendFacts,
  team: string | undefined,
  idleUsdPerSecond: number | undefined,
): SpendCheck => {
  const applicable: CapFacts[] = [];
  if (caps.idleSpendPerPoolPerDayUsd !== null) {
    applicable.push({
      label: 'idle spend cap per pool per day',
      capUsd: caps.idleSpendPerPoolPerDayUsd,
      spentUsd: spend.poolIdleUsdToday,
    });
  }
  if (caps.idleSpendPerTeamPerDayUsd !== null && team !== undefined) {
    applicable.push({
      label: `idle spend cap of team ${team} per day`,
      capUsd: caps.idleSpendPerTeamPerDayUsd,
      spentUsd: spend.teamIdleUsdToday,
    });
  }
  for (const cap of applicable) {
    if (cap.spentUsd !== undefined && cap.spentUsd >= cap.capUsd) {
      return {
        kind: 'reached',
        reason: `${formatUsd(cap.spentUsd)} spent idle today ≥ ${cap.label} ${formatUsd(cap.capUsd)}`,
      };
    }
  }
  let seconds = Number.POSITIVE_INFINITY;
  let boundBy: string | undefined;
  for (const cap of applicable) {
    if (cap.spentUsd === undefined) {
      return { kind: 'unknown', reason: `today's spend for the ${cap.label} is unknown` };
    }
    if (idleUsdPerSecond === undefined) {
      return { kind: 'unknown', reason: `the price is unknown, so the ${cap.label} cannot be checked` };
    }
    const allowed =
      idleUsdPerSecond > 0 ? (cap.capUsd - cap.spentUsd) / idleUsdPerSecond : Number.POSITIVE_INFINITY;
    if (allowed < seconds) {
      seconds = allowed;
      boundBy = `${cap.label} ${formatUsd(cap.capUsd)} (${formatUsd(cap.spentUsd)} spent)`;
    }
  }
  return { kind: 'headroom', seconds, ...(boundBy ? { boundBy } : {}) };
};
