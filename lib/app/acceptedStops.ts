import { poolAfterAcceptedStop } from '../domain/acceptedStop';
import { isStopping, type JobRecord } from '../domain/jobRecord';
import type { TrainingJobDescription } from '../ports/trainingJobs';

/** How many stops a container remembers before it starts over (each is forgotten at its pool's next look). */
const REMEMBERED_STOPS = 10_000;

/**
 * The stops SageMaker accepted from this container (the sweep's), by pool and instant. At the
 * pool's next look, the end it recorded is read from that answer (acceptedStop.ts) rather than
 * from a describe. A stop this container did not see accepted (a click, the event handler's
 * policy, one found carried out after a crash, whose instant is not known) is described as
 * before, and so is every stop after the container started afresh.
 */
export class AcceptedStops {
  private readonly stoppedAtMs = new Map<string, number>();

  /** SageMaker accepted the stop of `name`'s pool, asked at `atMs` (the expiry the ledger records). */
  note(name: string, atMs: number): void {
    if (this.stoppedAtMs.size >= REMEMBERED_STOPS) this.stoppedAtMs.clear();
    this.stoppedAtMs.set(name, atMs);
  }

  /**
   * What a describe of the pool would show, when the ledger holds the very stop this container
   * saw accepted (the same instant, nothing in flight since); undefined otherwise. Forgets it.
   */
  endOf(pool: JobRecord): TrainingJobDescription | undefined {
    const atMs = this.stoppedAtMs.get(pool.name);
    if (atMs === undefined) return undefined;
    this.stoppedAtMs.delete(pool.name);
    const job = pool.job;
    if (!job || !isStopping(pool) || pool.pool?.expiresAtMs !== atMs) return undefined;
    const warmPool = poolAfterAcceptedStop(pool.pool.availableSinceMs, atMs);
    if (!warmPool) return undefined;
    return { name: pool.name, status: job.status, instanceType: job.criteria.instanceType, warmPool };
  }
}
