import { matchKey } from '../../../lib/domain/matchKey';
import type { TerminalStatus } from '../../../lib/domain/trainingJob';
import { SageMakerApiError, validationError } from './apiErrors';
import { AvailablePools } from './availablePools';
import type {
  EmulatedJob,
  PoolEndReason,
  SecondaryStatus,
  SimulatedRun,
  SubmitRequest,
  TrainingJobSpec,
} from './emulatedJob';
import { type EmulatorOptions, type ResolvedOptions, resolveOptions } from './emulatorOptions';
import {
  type EmulatorSummary,
  inspectJob,
  inspectPool,
  type JobInspection,
  type PoolInspection,
  type ReuseInspection,
} from './inspection';
import { type JobFilter, JobRegistry } from './jobRegistry';
import { checkJobSpec, checkSimulatedRun, checkTags } from './jobSpecValidation';
import { stateChangeEvent, styleOfEvent, type TrainingJobStateChangeEvent } from './jobStateEvent';
import type { JobSlot, PoolSlot, Transition } from './modelState';
import { type Scheduled, TransitionQueue } from './transitionQueue';
import { WarmPoolQuota } from './warmPoolQuota';
import {
  billableSeconds,
  DEFAULT_FAILURE_REASON,
  expiryAtJobEnd,
  expiryAtUpdate,
  keepAliveRangeProblem,
  matchCriteriaOf,
  mayUseWarmPools,
  startupSecondsOf,
  whyNoPoolAtEnd,
} from './warmPoolRules';

export type EventListener = (event: TrainingJobStateChangeEvent) => void;

const arnOf = (region: string, accountId: string, name: string): string =>
  `arn:aws:sagemaker:${region}:${accountId}:training-job/${name.toLowerCase()}`;

/**
 * SageMaker training jobs and their warm pools, in virtual time. Every change is either an API
 * operation at the clock's time or a scheduled transition applied by advanceTo(); operations
 * first apply every transition already due, so the model never answers from a stale state.
 * Time never runs backwards inside the model: it works at max(clock, furthest advanceTo).
 */
export class WarmPoolModel {
  readonly options: ResolvedOptions;
  private readonly jobs = new JobRegistry();
  private readonly pools = new Map<string, PoolSlot>();
  private readonly available: AvailablePools<PoolSlot>;
  private readonly quota: WarmPoolQuota;
  private readonly queue = new TransitionQueue<Transition>();
  private readonly listeners = new Set<EventListener>();
  private readonly reuseLog: ReuseInspection[] = [];
  private horizonMs = Number.NEGATIVE_INFINITY;
  private eventCount = 0;

  constructor(options: EmulatorOptions) {
    this.options = resolveOptions(options);
    this.quota = new WarmPoolQuota(this.options.quotas, this.options.defaultQuota);
    this.available = new AvailablePools(this.options.poolChoice);
    if (options.onEvent) this.listeners.add(options.onEvent);
  }

  // ---- time -------------------------------------------------------------------------------

  /** The model's present: the clock, or later if advanceTo() has already gone further. */
  now(): number {
    return Math.max(this.options.clock.now(), this.horizonMs);
  }

  /** When the next scheduled transition is due, or undefined when nothing is scheduled. */
  nextDueAt(): number | undefined {
    return this.queue.nextDueAt();
  }

  /**
   * Applies, in time order, every transition due at or before `ms` — including those that
   * the applied ones schedule within the window — each at its own time. Ties apply in the
   * order they were scheduled. Returns how many were applied.
   */
  advanceTo(ms: number): number {
    let applied = 0;
    for (let entry = this.queue.popDue(ms); entry; entry = this.queue.popDue(ms)) {
      this.horizonMs = Math.max(this.horizonMs, entry.atMs);
      this.apply(entry);
      applied++;
    }
    this.horizonMs = Math.max(this.horizonMs, ms);
    return applied;
  }

  /** Subscribes to state-change events; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- operations -------------------------------------------------------------------------

  /** The runner's CreateTrainingJob: now, with the run the trace prescribes. */
  submit(request: SubmitRequest): JobInspection {
    const { durationSeconds, outcome, failureReason, ...spec } = request;
    const run: SimulatedRun = { durationSeconds, outcome, ...(failureReason ? { failureReason } : {}) };
    return inspectJob(this.createTrainingJob(spec, run));
  }

  createTrainingJob(spec: TrainingJobSpec, run: SimulatedRun): EmulatedJob {
    checkJobSpec(spec, this.options.keepAliveLimits);
    checkSimulatedRun(run);
    const now = this.sync();
    const { region, accountId } = this.options;
    const arn = arnOf(region, accountId, spec.name);
    const existing = this.jobs.findByArn(arn);
    if (existing) {
      throw new SageMakerApiError(
        'ResourceInUse',
        `Training job names must be unique within an AWS account and region, and a training job with this name already exists (${existing.arn})`,
      );
    }
    const criteria = matchCriteriaOf(spec);
    const key = matchKey(criteria);
    const pool = mayUseWarmPools(spec) ? this.available.pick(key) : undefined;
    const warmStart = pool !== undefined;
    const job: JobSlot = {
      seq: this.jobs.size,
      spec,
      run,
      arn,
      criteria,
      matchKey: key,
      createdAtMs: now,
      status: 'InProgress',
      secondaryStatus: 'Starting',
      transitions: [],
      lastModifiedMs: now,
      ...(spec.keepAliveSeconds !== undefined ? { keepAliveSeconds: spec.keepAliveSeconds } : {}),
      tags: new Map(Object.entries(spec.tags ?? {})),
      warmStart,
      startupSeconds: startupSecondsOf(warmStart, this.options.startupSeconds),
    };
    this.jobs.add(job);
    this.enterSecondary(
      job,
      'Starting',
      now,
      warmStart ? 'Found a warm pool to reuse' : 'Launching requested ML instances',
    );
    if (pool) this.handOver(pool, job, now);
    job.pending = this.queue.schedule(now + job.startupSeconds * 1000, { kind: 'start', job });
    this.emit(job, now);
    return job;
  }

  /** UpdateTrainingJob's ResourceConfig.KeepAlivePeriodInSeconds; 0 terminates the pool now. */
  updateKeepAlive(name: string, seconds: number): EmulatedJob {
    const now = this.sync();
    const job = this.jobs.require(name);
    const problem = keepAliveRangeProblem(seconds, this.options.keepAliveLimits);
    if (problem) throw validationError(problem);
    const pool = job.poolId ? this.pools.get(job.poolId) : undefined;
    if (job.warmPool?.status !== 'Available' || !pool) {
      throw validationError(
        `KeepAlivePeriodInSeconds of training job ${name} can be updated only while its warm pool is Available; ` +
          `the job is ${job.status} and its warm pool is ${job.warmPool?.status ?? 'absent'}.`,
      );
    }
    job.keepAliveSeconds = seconds;
    if (seconds === 0) {
      this.terminate(pool, now, 'keep-alive-set-to-zero');
      return job;
    }
    const uncapped = now + seconds * 1000;
    const expiresAt = expiryAtUpdate(now, seconds, pool.bornAtMs, this.options.keepAliveLimits);
    if (expiresAt <= now) {
      this.terminate(pool, now, 'lifetime-cap-reached');
      return job;
    }
    this.scheduleExpiry(pool, expiresAt, expiresAt < uncapped);
    return job;
  }

  /** StopTrainingJob: Stopping now, Stopped after the stop delay. Repeating it while Stopping is harmless. */
  stop(name: string): EmulatedJob {
    const now = this.sync();
    const job = this.jobs.require(name);
    if (job.status === 'Stopping') return job;
    if (job.status !== 'InProgress') {
      throw validationError(`The request was rejected because the training job is in status ${job.status}.`);
    }
    this.beginStop(job, now);
    return job;
  }

  addTags(arn: string, tags: Readonly<Record<string, string>>): EmulatedJob {
    this.sync();
    const job = this.jobs.requireByArn(arn);
    const merged = new Map(job.tags);
    for (const [key, value] of Object.entries(tags)) merged.set(key, value);
    checkTags(merged);
    job.tags = merged;
    return job;
  }

  // ---- reads ------------------------------------------------------------------------------

  /** The job as DescribeTrainingJob sees it; throws SageMaker's not-found error. */
  describe(name: string): EmulatedJob {
    this.sync();
    return this.jobs.require(name);
  }

  describeByArn(arn: string): EmulatedJob {
    this.sync();
    return this.jobs.requireByArn(arn);
  }

  /**
   * The jobs a ListTrainingJobs call must look at, starting from the narrowest index its
   * filters allow. Unordered: the caller filters the rest and sorts.
   */
  candidates(filter: JobFilter): Iterable<EmulatedJob> {
    this.sync();
    return this.jobs.candidates(filter);
  }

  /** Moves on whenever a listing could answer differently (a job added, or its status, pool or LastModifiedTime changed). */
  listingVersion(): number {
    this.sync();
    return this.jobs.version;
  }

  // ---- inspection -------------------------------------------------------------------------

  inspectJob(name: string): JobInspection | undefined {
    const job = this.jobs.find(name);
    return job ? inspectJob(job) : undefined;
  }

  /** Every job, in creation order. */
  inspectJobs(): JobInspection[] {
    return [...this.jobs.all()].map(inspectJob);
  }

  /** Every pool (chain), in the order they were born. */
  inspectPools(): PoolInspection[] {
    return [...this.pools.values()].map(inspectPool);
  }

  inspectPool(id: string): PoolInspection | undefined {
    const pool = this.pools.get(id);
    return pool ? inspectPool(pool) : undefined;
  }

  /** Which job reused which pool, in the order it happened. */
  reuses(): ReuseInspection[] {
    return [...this.reuseLog];
  }

  quotaUsage(): Record<string, { readonly held: number; readonly quota: number }> {
    return this.quota.usage();
  }

  summary(): EmulatorSummary {
    let warmStarts = 0;
    let startupSeconds = 0;
    for (const job of this.jobs.all()) {
      if (job.warmStart) warmStarts++;
      startupSeconds += job.startupSeconds;
    }
    let idleBillableSeconds = 0;
    let idleInstanceSeconds = 0;
    for (const pool of this.pools.values()) {
      idleBillableSeconds += pool.idleBillableSeconds;
      idleInstanceSeconds += pool.idleBillableSeconds * pool.instanceCount;
    }
    return {
      jobs: this.jobs.size,
      coldStarts: this.jobs.size - warmStarts,
      warmStarts,
      startupSeconds,
      pools: this.pools.size,
      availablePools: this.available.count(),
      reuses: this.reuseLog.length,
      idleBillableSeconds,
      idleInstanceSeconds,
    };
  }

  // ---- transitions ------------------------------------------------------------------------

  private sync(): number {
    const now = this.now();
    this.advanceTo(now);
    return now;
  }

  private apply(entry: Scheduled<Transition>): void {
    const transition = entry.item;
    switch (transition.kind) {
      case 'start':
        delete transition.job.pending;
        this.startTraining(transition.job, entry.atMs);
        break;
      case 'training-done':
        delete transition.job.pending;
        this.finishTraining(transition.job, entry.atMs);
        break;
      case 'stopped':
        delete transition.job.pending;
        this.end(transition.job, 'Stopped', entry.atMs);
        break;
      case 'expire': {
        const pool = transition.pool;
        delete pool.expiry;
        this.terminate(pool, entry.atMs, pool.expiryIsLifetimeCap ? 'lifetime-cap-reached' : 'expired');
        break;
      }
    }
  }

  private startTraining(job: JobSlot, at: number): void {
    job.startedAtMs = at;
    this.enterSecondary(job, 'Training', at, 'Training image download completed. Training in progress.');
    job.pending = this.queue.schedule(at + job.run.durationSeconds * 1000, { kind: 'training-done', job });
    this.emit(job, at);
  }

  /** The trace's outcome Stopped is a StopTrainingJob issued when the training time runs out. */
  private finishTraining(job: JobSlot, at: number): void {
    if (job.run.outcome === 'Stopped') this.beginStop(job, at);
    else this.end(job, job.run.outcome, at);
  }

  private beginStop(job: JobSlot, at: number): void {
    this.queue.cancel(job.pending);
    this.jobs.setStatus(job, 'Stopping');
    this.enterSecondary(job, 'Stopping', at, 'Stopping the training job');
    job.pending = this.queue.schedule(at + this.options.stopDelaySeconds * 1000, { kind: 'stopped', job });
    this.emit(job, at);
  }

  private end(job: JobSlot, status: TerminalStatus, at: number): void {
    this.jobs.setStatus(job, status);
    job.endedAtMs = at;
    if (status === 'Failed') job.failureReason = job.run.failureReason ?? DEFAULT_FAILURE_REASON;
    this.enterSecondary(job, status, at, `Training job ${status.toLowerCase()}`);
    this.settlePool(job, status, at);
    this.emit(job, at);
  }

  /** At the end of a job: keep (or hand back) its pool as Available, or let it go. */
  private settlePool(job: JobSlot, status: TerminalStatus, at: number): void {
    const limits = this.options.keepAliveLimits;
    const held = job.poolId ? this.pools.get(job.poolId) : undefined;
    let reason = whyNoPoolAtEnd({
      status,
      keepAliveSeconds: job.keepAliveSeconds,
      ...(job.failureReason ? { failureReason: job.failureReason } : {}),
      // A warm start lands on a pool's cluster, which launched for an earlier job: stopping
      // the job during its warm startup still stops it after its cluster launched.
      clusterLaunched: job.startedAtMs !== undefined || job.warmStart,
      spec: job.spec,
    });
    const keepAlive = job.keepAliveSeconds ?? 0;
    if (!reason && !held && !this.quota.hasRoomFor(job.spec.instanceType, job.spec.instanceCount)) {
      reason = 'no-warm-pool-quota';
    }
    const bornAt = held?.bornAtMs ?? at;
    const expiresAt = expiryAtJobEnd(at, keepAlive, bornAt, limits);
    if (!reason && expiresAt <= at) reason = 'lifetime-cap-reached';
    if (reason) {
      job.noPoolReason = reason;
      if (held) this.terminate(held, at, 'ended-without-pool');
      return;
    }
    const pool = held ?? this.newPool(job, at);
    pool.state = 'Available';
    pool.availableSinceMs = at;
    this.jobs.setWarmPool(job, { status: 'Available' });
    this.available.add(pool);
    this.scheduleExpiry(pool, expiresAt, expiresAt < at + keepAlive * 1000);
  }

  private newPool(job: JobSlot, at: number): PoolSlot {
    const pool: PoolSlot = {
      id: job.spec.name,
      matchKey: job.matchKey,
      instanceType: job.spec.instanceType,
      instanceCount: job.spec.instanceCount,
      jobs: [job.spec.name],
      state: 'Available',
      bornAtMs: at,
      idleBillableSeconds: 0,
      expiryIsLifetimeCap: false,
    };
    this.pools.set(pool.id, pool);
    this.quota.acquire(pool.instanceType, pool.instanceCount);
    job.poolId = pool.id;
    return pool;
  }

  /** A new job takes an Available pool: the old head shows Reused, the new job InUse. */
  private handOver(pool: PoolSlot, job: JobSlot, at: number): void {
    const previous = this.jobs.find(pool.jobs[pool.jobs.length - 1] ?? '');
    if (!previous) throw new Error(`warm pool ${pool.id} has no head job`);
    this.available.remove(pool);
    this.queue.cancel(pool.expiry);
    delete pool.expiry;
    const billable = billableSeconds(pool.availableSinceMs ?? at, at);
    pool.idleBillableSeconds += billable;
    this.jobs.setWarmPool(previous, {
      status: 'Reused',
      reusedByJob: job.spec.name,
      billableSeconds: billable,
    });
    pool.state = 'InUse';
    delete pool.availableSinceMs;
    delete pool.expiresAtMs;
    pool.jobs.push(job.spec.name);
    job.poolId = pool.id;
    job.reusedPoolOf = previous.spec.name;
    this.jobs.setWarmPool(job, { status: 'InUse' });
    this.reuseLog.push({
      poolId: pool.id,
      fromJob: previous.spec.name,
      toJob: job.spec.name,
      atMs: at,
      billableSeconds: billable,
    });
  }

  /** The pool's cluster is released; its head job shows Terminated with the seconds it sat Available. */
  private terminate(pool: PoolSlot, at: number, reason: PoolEndReason): void {
    const head = this.jobs.find(pool.jobs[pool.jobs.length - 1] ?? '');
    const billable =
      pool.state === 'Available' && pool.availableSinceMs !== undefined
        ? billableSeconds(pool.availableSinceMs, at)
        : 0;
    pool.idleBillableSeconds += billable;
    this.available.remove(pool);
    this.queue.cancel(pool.expiry);
    delete pool.expiry;
    pool.state = 'Terminated';
    pool.terminatedAtMs = at;
    pool.endReason = reason;
    this.quota.release(pool.instanceType, pool.instanceCount);
    if (head) this.jobs.setWarmPool(head, { status: 'Terminated', billableSeconds: billable });
  }

  private scheduleExpiry(pool: PoolSlot, expiresAt: number, isLifetimeCap: boolean): void {
    this.queue.cancel(pool.expiry);
    pool.expiresAtMs = expiresAt;
    pool.expiryIsLifetimeCap = isLifetimeCap;
    pool.expiry = this.queue.schedule(expiresAt, { kind: 'expire', pool });
  }

  // ---- bookkeeping ------------------------------------------------------------------------

  /** A SecondaryStatus change; LastModifiedTime moves strictly forward, even within one millisecond. */
  private enterSecondary(job: JobSlot, status: SecondaryStatus, at: number, message: string): void {
    const last = job.transitions[job.transitions.length - 1];
    if (last) job.transitions[job.transitions.length - 1] = { ...last, endMs: at };
    job.transitions.push({ status, startMs: at, message });
    job.secondaryStatus = status;
    job.lastModifiedMs = job.transitions.length === 1 ? at : Math.max(at, job.lastModifiedMs + 1);
    this.jobs.modified(job);
  }

  private emit(job: JobSlot, at: number): void {
    const eventNumber = this.eventCount++;
    if (this.listeners.size === 0) return;
    const event = stateChangeEvent(job, {
      style: styleOfEvent(this.options.eventStyle, eventNumber),
      eventNumber,
      atMs: at,
      region: this.options.region,
      accountId: this.options.accountId,
    });
    for (const listener of this.listeners) listener(event);
  }
}
