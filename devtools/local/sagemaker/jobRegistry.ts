import type { TrainingJobStatus } from '../../../lib/domain/trainingJob';
import type { WarmPoolStatus } from '../../../lib/domain/warmPool';
import { jobNotFound } from './apiErrors';
import type { WarmPoolView } from './emulatedJob';
import type { JobSlot } from './modelState';

export interface JobFilter {
  readonly status?: TrainingJobStatus;
  readonly warmPoolStatus?: WarmPoolStatus;
  /** Only jobs whose LastModifiedTime is later (the reconciler's changed-since listing). */
  readonly modifiedAfterMs?: number;
}

/** One LastModifiedTime a job had, with the latest LastModifiedTime of any entry up to it. */
interface Modification {
  readonly job: JobSlot;
  readonly ms: number;
  readonly latestMs: number;
}

const addTo = <K>(index: Map<K, Set<JobSlot>>, key: K, job: JobSlot): void => {
  let set = index.get(key);
  if (!set) {
    set = new Set();
    index.set(key, set);
  }
  set.add(job);
};

/**
 * Every job, by name, by ARN, and by the two statuses ListTrainingJobs filters on, so that a
 * sweep asking for the Available pools looks at those jobs only. Status changes go through
 * here to keep the indexes true.
 */
export class JobRegistry {
  private readonly byName = new Map<string, JobSlot>();
  private readonly byArn = new Map<string, JobSlot>();
  private readonly byStatus = new Map<TrainingJobStatus, Set<JobSlot>>();
  private readonly byPoolStatus = new Map<WarmPoolStatus, Set<JobSlot>>();
  /**
   * Each job's LastModifiedTime, in the order set: a changed-since listing reads only the tail
   * after its instant, not the whole history. Nearly in time order (a job's own times move on
   * a millisecond past the clock), so the search is on the running latest, which never falls.
   * Entries a job has moved past are dropped once they are half the log.
   */
  private modifications: Modification[] = [];
  /** Each job's entry for its current LastModifiedTime. */
  private readonly currentModification = new Map<JobSlot, Modification>();
  private staleModifications = 0;
  private changes = 0;

  get size(): number {
    return this.byName.size;
  }

  /** Moves on whenever a job is added or its status, pool or LastModifiedTime changes. */
  get version(): number {
    return this.changes;
  }

  add(job: JobSlot): void {
    this.changes++;
    this.modified(job);
    this.byName.set(job.spec.name, job);
    this.byArn.set(job.arn.toLowerCase(), job);
    addTo(this.byStatus, job.status, job);
    if (job.warmPool) addTo(this.byPoolStatus, job.warmPool.status, job);
  }

  find(name: string): JobSlot | undefined {
    return this.byName.get(name);
  }

  /** SageMaker lower-cases job names in ARNs, and ARNs compare without case. */
  findByArn(arn: string): JobSlot | undefined {
    return this.byArn.get(arn.toLowerCase());
  }

  require(name: string): JobSlot {
    const job = this.byName.get(name);
    if (!job) throw jobNotFound();
    return job;
  }

  requireByArn(arn: string): JobSlot {
    const job = this.findByArn(arn);
    if (!job) throw jobNotFound();
    return job;
  }

  /** In creation order. */
  all(): IterableIterator<JobSlot> {
    return this.byName.values();
  }

  /** To be told after every change of the job's lastModifiedMs. */
  modified(job: JobSlot): void {
    const previous = this.currentModification.get(job);
    if (previous?.ms === job.lastModifiedMs) return;
    this.changes++;
    if (previous) this.staleModifications++;
    const latestMs = Math.max(job.lastModifiedMs, this.modifications.at(-1)?.latestMs ?? job.lastModifiedMs);
    const entry = { job, ms: job.lastModifiedMs, latestMs };
    this.modifications.push(entry);
    this.currentModification.set(job, entry);
    if (this.staleModifications * 2 > this.modifications.length) this.compactModifications();
  }

  private compactModifications(): void {
    let latestMs = Number.NEGATIVE_INFINITY;
    const kept: Modification[] = [];
    for (const entry of this.modifications) {
      if (this.currentModification.get(entry.job) !== entry) continue;
      latestMs = Math.max(latestMs, entry.ms);
      const compacted = { ...entry, latestMs };
      kept.push(compacted);
      this.currentModification.set(entry.job, compacted);
    }
    this.modifications = kept;
    this.staleModifications = 0;
  }

  /** Each job last modified after `afterMs`, once. */
  private *modifiedAfter(afterMs: number): Generator<JobSlot> {
    const log = this.modifications;
    // The first entry whose running latest is past afterMs: no entry before it can be.
    let lo = 0;
    let hi = log.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((log[mid]?.latestMs ?? Number.POSITIVE_INFINITY) > afterMs) hi = mid;
      else lo = mid + 1;
    }
    for (let i = lo; i < log.length; i++) {
      const entry = log[i];
      if (entry && entry.ms > afterMs && this.currentModification.get(entry.job) === entry) yield entry.job;
    }
  }

  setStatus(job: JobSlot, status: TrainingJobStatus): void {
    this.changes++;
    this.byStatus.get(job.status)?.delete(job);
    job.status = status;
    addTo(this.byStatus, status, job);
  }

  setWarmPool(job: JobSlot, warmPool: WarmPoolView): void {
    this.changes++;
    if (job.warmPool) this.byPoolStatus.get(job.warmPool.status)?.delete(job);
    job.warmPool = warmPool;
    addTo(this.byPoolStatus, warmPool.status, job);
  }

  /** The narrowest set of jobs that can satisfy the filter; unordered, and not yet filtered. */
  candidates(filter: JobFilter): Iterable<JobSlot> {
    if (filter.modifiedAfterMs !== undefined) return this.modifiedAfter(filter.modifiedAfterMs);
    const byStatus = filter.status ? (this.byStatus.get(filter.status) ?? new Set<JobSlot>()) : undefined;
    const byPool = filter.warmPoolStatus
      ? (this.byPoolStatus.get(filter.warmPoolStatus) ?? new Set<JobSlot>())
      : undefined;
    if (byStatus && byPool) return byStatus.size <= byPool.size ? byStatus : byPool;
    return byStatus ?? byPool ?? this.byName.values();
  }
}
