import type { JobRecord } from '../domain/jobRecord';
import type { Clock } from '../ports/clock';
import type { Ledger } from '../ports/ledger';
import type { Telemetry } from '../ports/telemetry';

/** How many pools a container remembers SageMaker not knowing before it starts over. */
const REMEMBERED_MISSING = 10_000;

/**
 * Pools the ledger holds Available that SageMaker answered NotFound for (a job in another region
 * than its account's member entry says, a job that is gone), and when this container first
 * heard so. SageMaker keeps a training job's record, so a NotFound heard again at a later sweep
 * is not a passing state: the pool is then recorded ended.
 */
export class MissingPools {
  private readonly since = new Map<string, number>();

  /** Notes a NotFound at `nowMs`; returns when it was first heard (`nowMs` the first time). */
  note(name: string, nowMs: number): number {
    const first = this.since.get(name);
    if (first !== undefined) return first;
    if (this.since.size >= REMEMBERED_MISSING) this.since.clear();
    this.since.set(name, nowMs);
    return nowMs;
  }

  forget(name: string): void {
    this.since.delete(name);
  }
}

export interface NotFoundDeps {
  readonly ledger: Ledger;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
  /** The container's memory of NotFound answers; absent: the pool is only looked at less often. */
  readonly missing?: MissingPools;
  /** How far apart two looks must be to count as separate (the schedule's interval: two sweeps). */
  readonly apartMs: number;
}

/**
 * What a sweep does with an Available pool SageMaker says it does not know. The first answer
 * refreshes the pool's last look, so that it is looked at again once per reconcile period, not
 * at every sweep. The same answer at a separate, later look records the pool Terminated (it is
 * not in this account and region, and nothing here can manage it), leaving the Available index.
 * Returns whether this was the first such answer: only that one can be a surprise.
 */
export const poolNotFound = async (deps: NotFoundDeps, pool: JobRecord): Promise<boolean> => {
  const nowMs = deps.clock.now();
  const state = pool.pool;
  if (!state) return false;
  const firstMs = deps.missing?.note(pool.name, nowMs);
  const confirmed = firstMs !== undefined && nowMs - firstMs >= deps.apartMs;
  if (!confirmed) {
    deps.telemetry.warn(
      'SageMaker does not know a pool the ledger holds as Available; looked at again next period',
      {
        job: pool.name,
      },
    );
    await deps.ledger.observePool(pool, { ...state, observedAtMs: nowMs });
    return firstMs === nowMs;
  }
  await deps.ledger.observePool(pool, { ...state, status: 'Terminated', observedAtMs: nowMs });
  deps.missing?.forget(pool.name);
  deps.telemetry.warn(
    'recorded ended: SageMaker answered NotFound at two separate looks (wrong account or region, or the job is gone)',
    {
      job: pool.name,
      firstNotFoundAtMs: firstMs,
    },
  );
  deps.telemetry.count('PoolsNotFound');
  return false;
};
