import { describe, expect, it } from 'vitest';
import { SageMakerApiError } from '../../devtools/local/sagemaker/apiErrors';
import type { TrainingJobStateChangeEvent } from '../../devtools/local/sagemaker/jobStateEvent';
import { TransitionQueue } from '../../devtools/local/sagemaker/transitionQueue';
import { WarmPoolModel } from '../../devtools/local/sagemaker/warmPoolModel';
import { sampleSubmission } from '../support/sampleSubmission';

const T0 = Date.parse('2025-03-03T09:00:00Z');

const job = sampleSubmission;

const setup = (options: Partial<ConstructorParameters<typeof WarmPoolModel>[0]> = {}) => {
  const clock = { ms: T0, now: () => clock.ms };
  const events: TrainingJobStateChangeEvent[] = [];
  const model = new WarmPoolModel({ clock, onEvent: (e) => events.push(e), ...options });
  return { clock, model, events };
};

describe('TransitionQueue', () => {
  it('pops in time order, ties in scheduling order, skipping cancelled entries', () => {
    const queue = new TransitionQueue<string>();
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const scheduled = Array.from({ length: 500 }, (_, i) =>
      queue.schedule(Math.floor(random() * 50), `e${i}`),
    );
    for (const entry of scheduled.filter((_, i) => i % 7 === 0)) queue.cancel(entry);
    const expected = scheduled
      .filter((e) => !e.cancelled)
      .sort((a, b) => a.atMs - b.atMs || a.seq - b.seq)
      .map((e) => e.item);
    expect(queue.nextDueAt()).toBe(Math.min(...scheduled.filter((e) => !e.cancelled).map((e) => e.atMs)));
    const popped: string[] = [];
    for (let e = queue.popDue(Number.MAX_SAFE_INTEGER); e; e = queue.popDue(Number.MAX_SAFE_INTEGER))
      popped.push(e.item);
    expect(popped).toEqual(expected);
    expect(queue.nextDueAt()).toBeUndefined();
  });

  it('leaves transitions due later than the horizon', () => {
    const queue = new TransitionQueue<string>();
    queue.schedule(10, 'late');
    expect(queue.popDue(9)).toBeUndefined();
    expect(queue.popDue(10)?.item).toBe('late');
  });
});

describe('WarmPoolModel in virtual time', () => {
  it('exposes the next due time and applies each transition at its own time', () => {
    const { model, events } = setup({ eventStyle: 'registry' });
    model.submit(job('job-a', { keepAliveSeconds: 60 }));
    expect(model.nextDueAt()).toBe(T0 + 143_000);
    // One big step: start, end, and the expiry the end scheduled all fall inside it.
    expect(model.advanceTo(T0 + 10_000_000)).toBe(3);
    expect(model.nextDueAt()).toBeUndefined();
    expect(events.map((e) => [e.detail.SecondaryStatus, e.time])).toEqual([
      ['Starting', '2025-03-03T09:00:00Z'],
      ['Training', '2025-03-03T09:02:23Z'],
      ['Completed', '2025-03-03T09:12:23Z'],
    ]);
    expect(model.inspectJob('job-a')).toMatchObject({
      endedAtMs: T0 + 743_000,
      warmPoolStatus: 'Terminated',
      billableSeconds: 60,
    });
    expect(model.inspectPool('job-a')).toMatchObject({ terminatedAtMs: T0 + 803_000, endReason: 'expired' });
  });

  it('applies transitions due at the same time in the order they were scheduled', () => {
    const { model, events } = setup();
    for (const name of ['job-c', 'job-a', 'job-b']) model.submit(job(name, { volumeSizeInGB: name.length }));
    model.advanceTo(T0 + 743_000);
    expect(
      events.filter((e) => e.detail.SecondaryStatus === 'Completed').map((e) => e.detail.TrainingJobName),
    ).toEqual(['job-c', 'job-a', 'job-b']);
  });

  it('catches up on due transitions before any operation, so a stale pool is never reused', () => {
    const { clock, model } = setup();
    model.submit(job('job-a', { keepAliveSeconds: 60 }));
    // The runner moves the clock past the expiry but submits before calling advanceTo.
    clock.ms = T0 + 743_000 + 61_000;
    const b = model.submit(job('job-b'));
    expect(b.warmStart).toBe(false);
    expect(model.inspectJob('job-a')?.warmPoolStatus).toBe('Terminated');
  });

  it('never runs time backwards', () => {
    const { clock, model } = setup();
    model.advanceTo(T0 + 60_000);
    clock.ms = T0;
    expect(model.submit(job('job-a')).createdAtMs).toBe(T0 + 60_000);
  });

  it('refuses a bad trace line like a bad API call', () => {
    const { model } = setup();
    expect(() => model.submit(job('bad name'))).toThrow(SageMakerApiError);
    expect(() => model.submit(job('ok', { durationSeconds: -1 }))).toThrow(/durationSeconds/);
    expect(() => model.submit(job('ok', { instanceType: 'g5.xlarge' }))).toThrow(/instanceType/);
    expect(() => model.submit(job('ok', { keepAliveSeconds: 4000 }))).toThrow(/between 0 and 3600/);
    model.submit(job('ok'));
    expect(() => model.submit(job('ok'))).toThrow(expect.objectContaining({ type: 'ResourceInUse' }));
  });

  it('gives spot and heterogeneous jobs no pool and lets them reuse none', () => {
    const { clock, model } = setup();
    model.submit(job('pool'));
    clock.ms = T0 + 743_000;
    const spot = model.submit(job('spot', { spot: true }));
    expect(spot.warmStart).toBe(false);
    model.advanceTo(T0 + 2 * 743_000);
    expect(model.inspectJob('spot')).toMatchObject({ noPoolReason: 'spot-training' });
    expect(model.inspectJob('spot')?.warmPoolStatus).toBeUndefined();
    expect(model.inspectJob('pool')?.warmPoolStatus).toBe('Terminated');
  });

  it('treats a job without keep-alive that takes a pool as the pool’s end', () => {
    const { clock, model } = setup();
    model.submit(job('job-a'));
    clock.ms = T0 + 800_000;
    expect(model.submit(job('job-b', { keepAliveSeconds: undefined })).warmStart).toBe(true);
    model.advanceTo(T0 + 800_000 + 621_000);
    expect(model.inspectJob('job-b')).toMatchObject({
      warmPoolStatus: 'Terminated',
      billableSeconds: 0,
      noPoolReason: 'no-keep-alive',
    });
    expect(model.inspectPool('job-a')).toMatchObject({ state: 'Terminated', idleBillableSeconds: 57 });
  });

  it('replays a large trace while keeping its books straight', () => {
    const { clock, model, events } = setup({ quotas: { 'ml.p4d.24xlarge': 4 }, defaultQuota: 20 });
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const types = ['ml.g5.xlarge', 'ml.g5.2xlarge', 'ml.p4d.24xlarge'];
    const outcomes = ['Completed', 'Completed', 'Completed', 'Failed', 'Stopped'] as const;
    let t = T0;
    for (let i = 0; i < 10_000; i++) {
      t += Math.floor(random() * 120_000);
      clock.ms = t;
      model.advanceTo(t);
      const outcome = outcomes[Math.floor(random() * outcomes.length)] ?? 'Completed';
      model.submit(
        job(`job-${i}`, {
          instanceType: types[Math.floor(random() * types.length)] ?? 'ml.g5.xlarge',
          instanceCount: 1 + Math.floor(random() * 2),
          volumeSizeInGB: random() < 0.8 ? 50 : 100,
          durationSeconds: Math.floor(random() * 3600),
          keepAliveSeconds: random() < 0.9 ? Math.floor(random() * 1800) : undefined,
          outcome,
          ...(outcome === 'Failed' && random() < 0.5
            ? { failureReason: 'InternalServerError: node lost' }
            : {}),
        }),
      );
      if (i % 500 === 0) {
        for (const [type, usage] of Object.entries(model.quotaUsage())) {
          expect(usage.held, type).toBeLessThanOrEqual(usage.quota);
        }
      }
    }
    for (let next = model.nextDueAt(); next !== undefined; next = model.nextDueAt()) model.advanceTo(next);

    const jobs = model.inspectJobs();
    const pools = model.inspectPools();
    const reuses = model.reuses();
    const summary = model.summary();
    expect(summary.jobs).toBe(10_000);
    expect(summary.warmStarts).toBe(reuses.length);
    expect(summary.warmStarts).toBeGreaterThan(1000);
    expect(pools.every((p) => p.state === 'Terminated')).toBe(true);
    expect(Object.values(model.quotaUsage()).every((u) => u.held === 0)).toBe(true);
    // Every job ended, and every pool's idle time is the sum of what its jobs say.
    expect(jobs.every((j) => ['Completed', 'Failed', 'Stopped'].includes(j.status))).toBe(true);
    const byName = new Map(jobs.map((j) => [j.name, j]));
    for (const pool of pools) {
      const sum = pool.jobs.reduce((n, name) => n + (byName.get(name)?.billableSeconds ?? 0), 0);
      expect(sum).toBe(pool.idleBillableSeconds);
    }
    for (const reuse of reuses) {
      expect(byName.get(reuse.fromJob)).toMatchObject({ warmPoolStatus: 'Reused', reusedByJob: reuse.toJob });
      expect(byName.get(reuse.toJob)?.startupSeconds).toBe(21);
    }
    // Three to four events per job: Starting, (Training), (Stopping), end.
    expect(events.length).toBeGreaterThanOrEqual(30_000);
  });
});
