import { describe, expect, it } from 'vitest';
import type { TrainingJobStateChangeEvent } from '../../devtools/local/sagemaker/jobStateEvent';
import type { DynamoLedger } from '../../lib/adapters/dynamo/dynamoLedger';
import { POOL_AT_END_FRESH_MS } from '../../lib/domain/poolAtEnd';
import { MIN, type SweepWorld } from '../support/sweepWorld';
import { sweepWorldsOnDynalite } from '../support/sweepWorldsOnDynalite';

/** The emulator's start-up and the sample job's training time. */
const COLD_MS = 143_000;
const WARM_MS = 21_000;
const TRAINING_MS = 300_000;

/**
 * A job that ran on a pool it took over and completed: its end event, on time, says the pool is
 * Available for its keep-alive (lib/domain/poolAtEnd.ts). Counted at the emulator; the ledger
 * checked against it.
 */
describe('an end event that says the pool without a describe (emulator and dynalite)', () => {
  const worldOnDynalite = sweepWorldsOnDynalite();
  let world: SweepWorld;
  let ledger: DynamoLedger;
  const describes = () => world.emulator.callCounts().DescribeTrainingJob?.calls ?? 0;
  const isEndOf = (name: string) => (event: TrainingJobStateChangeEvent) =>
    event.detail.TrainingJobName === name && event.detail.TrainingJobStatus === 'Completed';

  /** `first` ends and leaves a pool; `second` takes it; time then runs to 2 s after `second`'s end, its events held. */
  const secondEndsOnAWarmPool = async (): Promise<number> => {
    ({ world, ledger } = await worldOnDynalite());
    await world.sweep();
    world.submit('first', 1800);
    world.advance(COLD_MS + TRAINING_MS + 2_000);
    await world.deliver();
    world.submit('second', 1800);
    await world.deliver();
    expect((await ledger.getJob('second'))?.reusedPoolOf).toBe('first');
    world.emulator.api.resetCallCounts();
    const endMs = world.clock.now() + WARM_MS + TRAINING_MS;
    world.advanceTo(endMs + 2_000);
    return endMs;
  };

  it('a fresh completed end of a warm start: Available for its keep-alive, no describe', async () => {
    const endMs = await secondEndsOnAWarmPool();
    await world.deliver();
    expect(describes()).toBe(0);
    expect((await ledger.getJob('second'))?.pool).toMatchObject({
      status: 'Available',
      availableSinceMs: endMs,
      expiresAtMs: endMs + 1800_000,
      keepAliveSeconds: 1800,
      poolId: 'first',
    });
    expect(world.warmPoolStatus('second')).toBe('Available');
    // The first sweep past the predicted end looks once, and records the end SageMaker tells.
    world.advanceTo(endMs + 1800_000 + MIN);
    await world.sweep();
    expect((await ledger.getJob('second'))?.pool).toMatchObject({
      status: 'Terminated',
      billableSeconds: 1800,
    });
  });

  it('a stale end is described', async () => {
    await secondEndsOnAWarmPool();
    world.advance(POOL_AT_END_FRESH_MS);
    await world.deliver();
    expect(describes()).toBe(1);
    expect((await ledger.getJob('second'))?.pool).toMatchObject({ status: 'Available' });
  });

  it('an end event without the keep-alive is described', async () => {
    await secondEndsOnAWarmPool();
    for (const event of world.events.splice(0)) {
      if (isEndOf('second')(event)) {
        const { KeepAlivePeriodInSeconds: _dropped, ...resourceConfig } = event.detail.ResourceConfig;
        await world.deliverEvent({
          ...event,
          detail: { ...event.detail, ResourceConfig: resourceConfig },
        } as TrainingJobStateChangeEvent);
      } else await world.deliverEvent(event);
    }
    expect(describes()).toBe(1);
    expect((await ledger.getJob('second'))?.pool).toMatchObject({
      status: 'Available',
      keepAliveSeconds: 1800,
    });
  });

  it('a pool taken by a job whose start arrived first: described, and recorded Reused, never Available', async () => {
    await secondEndsOnAWarmPool();
    const held = world.events.splice(0);
    world.submit('third', 1800);
    expect(world.emulator.model.reuses().at(-1)).toMatchObject({ fromJob: 'second', toJob: 'third' });
    // The taker's start lands first; its reuse detection finds no Available pool of its key.
    await world.deliver();
    for (const event of held) await world.deliverEvent(event);
    expect(describes()).toBe(1);
    expect((await ledger.getJob('second'))?.pool).toMatchObject({ status: 'Reused', reusedByJob: 'third' });
    expect((await ledger.getJob('third'))?.reusedPoolOf).toBe('second');
  });
});
