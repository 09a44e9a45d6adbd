import type { JobRecord } from '../domain/jobRecord';
import { isTerminal } from '../domain/trainingJob';
import { readAllPages } from './readAllPages';
import type { ReconcileDeps, SweepDeps } from './sweep';

/** What one reconcile must look at, from SageMaker's listings against the ledger's indexes. */
export interface ReconcilePlan {
  /** Jobs SageMaker lists with an Available pool. */
  readonly listed: ReadonlySet<string>;
  /** Listed, but not Available in the ledger: their end event was lost, late or dead-lettered. */
  readonly adopt: readonly string[];
  /** Running in the ledger, ended in SageMaker (the changed-jobs listing says so). */
  readonly ended: readonly string[];
  /** Running in the ledger and not listed, with no listing to tell whether they ended: described. */
  readonly unsure: readonly JobRecord[];
  readonly listCalls: number;
}

/**
 * Once per reconcile period (whichever sweep claims it), lists the Available pools of the jobs
 * created within the window, and the jobs changed since the previous reconcile (with a period
 * of overlap), then sets them against the ledger's Available pools and running jobs.
 */
export const planReconcile = async (
  deps: Pick<SweepDeps, 'ledger' | 'pageSize' | 'reconcileEveryMs' | 'forceReconcile'>,
  reconciler: ReconcileDeps,
  pools: readonly JobRecord[],
  nowMs: number,
): Promise<ReconcilePlan | undefined> => {
  const claim = await reconciler.schedule.claim(nowMs, deps.forceReconcile ? 0 : deps.reconcileEveryMs);
  if (!claim.claimed) return undefined;
  const available = await reconciler.catalog.availablePools(nowMs - reconciler.listWindowMs);
  let listCalls = available.calls;
  const listed = new Set(available.jobs.map((j) => j.name));
  const known = new Set(pools.map((p) => p.name));
  const adopt = [...listed].filter((name) => !known.has(name));

  const running = await readAllPages((cursor) => deps.ledger.runningJobs(deps.pageSize, cursor));
  const candidates = running.filter((r) => !listed.has(r.name));
  if (candidates.length === 0) return { listed, adopt, ended: [], unsure: [], listCalls };
  if (claim.previousStartMs === undefined) return { listed, adopt, ended: [], unsure: candidates, listCalls };
  const changed = await reconciler.catalog.changedJobs(claim.previousStartMs - deps.reconcileEveryMs);
  listCalls += changed.calls;
  const statusOf = new Map(changed.jobs.map((j) => [j.name, j.status]));
  const ended = candidates.flatMap((r) => {
    const status = statusOf.get(r.name);
    return status !== undefined && isTerminal(status) ? [r.name] : [];
  });
  return { listed, adopt, ended, unsure: [], listCalls };
};
