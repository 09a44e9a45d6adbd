import { errorMessage } from '../domain/errorMessage';
import { type JobLocation, locationLabel, parseJobRef } from '../domain/jobLocation';
import type { JobRecord } from '../domain/jobRecord';
import type { AccountAccess } from '../ports/accountAccess';
import type { Ledger } from '../ports/ledger';
import { type SweepDeps, type SweepReport, sweep } from './sweep';

export interface SweepAccountsDeps extends SweepDeps {
  /** The deployment's own account and region; absent: one account, one region. */
  readonly home?: JobLocation;
  readonly access: AccountAccess;
}

/** An account and region the sweep could not reach this time. */
export interface UnreachableAccount {
  readonly account: string;
  readonly region: string;
  readonly availablePools: number;
  readonly error: string;
}

export interface AccountsSweepReport extends SweepReport {
  readonly accounts: number;
  readonly unreachable: readonly UnreachableAccount[];
}

/** The ledger as one account's sweep sees it: only that account and region's Available pools. */
const withPools = (ledger: Ledger, pools: readonly JobRecord[]): Ledger =>
  new Proxy(ledger, {
    get(target, property, receiver) {
      if (property === 'availablePools') return async () => ({ items: [...pools] });
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });

/**
 * The sweep, one account and region at a time, each with that account's access. The Available
 * pools are read once (one index, whatever the number of accounts) and grouped by where they
 * live; an account without Available pools costs nothing. An account whose spoke role cannot be
 * assumed is reported and skipped: its pools wait for the next sweep, the others go on.
 */
export const sweepAccounts = async (deps: SweepAccountsDeps): Promise<AccountsSweepReport> => {
  const groups = new Map<string, { location: JobLocation | undefined; pools: JobRecord[] }>();
  let cursor: string | undefined;
  do {
    const page = await deps.ledger.availablePools(deps.pageSize, cursor);
    for (const pool of page.items) {
      const location = deps.home ? parseJobRef(pool.name, deps.home).location : undefined;
      const key = location ? locationLabel(location) : '';
      const group = groups.get(key) ?? { location, pools: [] };
      group.pools.push(pool);
      groups.set(key, group);
    }
    cursor = page.cursor;
  } while (cursor);

  // No pool anywhere: one pass over nothing, so the sweep's own figures are still reported.
  if (groups.size === 0) groups.set('', { location: undefined, pools: [] });
  const unreachable: UnreachableAccount[] = [];
  const actions: Record<string, number> = {};
  const total = { availablePools: 0, reached: 0, reconciled: 0, failures: 0 };
  for (const { location, pools } of groups.values()) {
    total.availablePools += pools.length;
    if (location) {
      try {
        await deps.access.check(location);
      } catch (error) {
        unreachable.push({ ...location, availablePools: pools.length, error: errorMessage(error) });
        deps.telemetry.error('the sweep cannot reach an account; its pools wait for the next sweep', {
          account: location.account,
          region: location.region,
          pools: pools.length,
          error: errorMessage(error),
        });
        deps.telemetry.count('SweepAccountsUnreachable');
        continue;
      }
    }
    const report = await sweep({ ...deps, ledger: withPools(deps.ledger, pools) });
    total.reached += report.reached;
    total.reconciled += report.reconciled;
    total.failures += report.failures;
    for (const [key, n] of Object.entries(report.actions)) actions[key] = (actions[key] ?? 0) + n;
  }
  return {
    ...total,
    actions,
    accounts: [...groups.values()].filter((g) => g.pools.length > 0).length,
    unreachable,
  };
};
