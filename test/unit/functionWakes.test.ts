import {
  DescribeTrainingJobCommand,
  ListTrainingJobsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { memoryStores } from '../../devtools/local/runtime/memoryStores';
import { VirtualClock } from '../../devtools/local/runtime/virtualClock';
import { VirtualPause } from '../../devtools/local/runtime/virtualPause';
import { createHandler as createJobStateChangeHandler } from '../../functions/onJobStateChange';
import { createHandler as createSweepHandler } from '../../functions/sweep';
import { MemorySweepWakes } from '../../lib/adapters/scheduler/memorySweepWakes';
import type { ProcessOutcome } from '../../lib/app/processJobStateChange';
import type { Ledger } from '../../lib/ports/ledger';
import type { Telemetry } from '../../lib/ports/telemetry';
import { loadConfig } from '../../lib/wiring/config/loadConfig';
import { Runtime, type RuntimeStores } from '../../lib/wiring/runtime';
import { jobEvent, T0 } from '../support/jobEvents';
import { lambdaContext } from '../support/lambdaContext';

const sageMaker = mockClient(SageMakerClient);
const MIN = 60_000;
/** Mid-minute: a wake is for the next whole minute. */
const NOW = T0 + 20 * MIN + 25_000;

beforeEach(() => {
  sageMaker.reset();
  sageMaker.on(ListTrainingJobsCommand).resolves({ TrainingJobSummaries: [] });
});

/** SageMaker describes the job ended with its pool Available. */
const describesAvailable = (name: string) =>
  sageMaker.on(DescribeTrainingJobCommand).resolves({
    TrainingJobName: name,
    TrainingJobStatus: 'Completed',
    TrainingEndTime: new Date(T0 + 600_000),
    ResourceConfig: {
      InstanceType: 'ml.g5.xlarge',
      InstanceCount: 1,
      VolumeSizeInGB: 30,
      KeepAlivePeriodInSeconds: 1800,
    },
    WarmPoolStatus: { Status: 'Available' },
  });

const world = (stores: RuntimeStores = memoryStores()) => {
  const clock = new VirtualClock(NOW);
  const wakes = new MemorySweepWakes();
  const build = (telemetry: Telemetry) =>
    new Runtime({
      config: loadConfig({ POOLWARDEN_TABLE: 'poolwarden-test-ledger' }),
      telemetry,
      clock,
      pause: new VirtualPause(),
      stores,
      wakes,
    });
  return { wakes, clock, build };
};

describe('the functions ask for the sweep when it could act', () => {
  it('the event handler asks for the next minute after a pool became Available, not after a start alone', async () => {
    const { wakes, build } = world();
    const handler = createJobStateChangeHandler(build);
    const started = (await handler(
      jobEvent({ name: 'train-b', status: 'InProgress' }),
      lambdaContext('onJobStateChange'),
    )) as ProcessOutcome;
    expect(started.kind).toBe('applied');
    expect(wakes.asked).toBe(0);

    describesAvailable('train-a');
    const ended = (await handler(
      jobEvent({ name: 'train-a' }),
      lambdaContext('onJobStateChange'),
    )) as ProcessOutcome;
    expect(ended).toMatchObject({
      kind: 'applied',
      facts: expect.arrayContaining([expect.objectContaining({ kind: 'pool-available' })]),
    });
    expect([...wakes.wakes]).toEqual([T0 + 21 * MIN]);
  });

  it('a Scheduler that refuses fails no event: the backstop sweeps instead', async () => {
    const { wakes, build } = world();
    wakes.failWith = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    describesAvailable('train-c');
    const handler = createJobStateChangeHandler(build);
    const outcome = (await handler(
      jobEvent({ name: 'train-c' }),
      lambdaContext('onJobStateChange'),
    )) as ProcessOutcome;
    expect(outcome.kind).toBe('applied');
    expect(wakes.asked).toBe(1);
    expect(wakes.wakes.size).toBe(0);
  });

  it('the sweep asks at its end for the instants its report names: after a reconcile, the next one', async () => {
    const { wakes, build } = world();
    const sweep = createSweepHandler(build);
    const dueAt = T0 + 20 * MIN;
    const report = await sweep({ time: new Date(dueAt).toISOString() }, lambdaContext('sweep'));
    expect(report).toMatchObject({ listed: true, availablePools: 0 });
    // No pool: nothing but the next reconcile, a base period after this one (claimed at 20:25), on its minute.
    expect([...wakes.wakes]).toEqual([T0 + 36 * MIN]);
  });

  it('a sweep that fails leaves its work to the next minute, as the sweep every minute did', async () => {
    const stores = memoryStores();
    const broken: Ledger = new Proxy(stores.ledger, {
      get: (target, property, receiver) =>
        property === 'availablePools'
          ? async () => {
              throw new Error('the ledger is down');
            }
          : Reflect.get(target, property, receiver),
    });
    const { wakes, build } = world({ ...stores, ledger: broken });
    const sweep = createSweepHandler(build);
    await expect(sweep({}, lambdaContext('sweep'))).rejects.toThrow('the ledger is down');
    expect([...wakes.wakes]).toEqual([T0 + 21 * MIN]);
  });
});
