import {
  DescribeTrainingJobCommand,
  ListTrainingJobsCommand,
  SageMakerClient,
  UpdateTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { memoryStores } from '../../devtools/local/runtime/memoryStores';
import { VirtualClock } from '../../devtools/local/runtime/virtualClock';
import { VirtualPause } from '../../devtools/local/runtime/virtualPause';
import { createHandler as createJobStateChangeHandler } from '../../functions/onJobStateChange';
import { createHandler as createSlackActionsHandler } from '../../functions/slackActions';
import { createHandler as createSweepHandler } from '../../functions/sweep';
import { MemorySweepWakes } from '../../lib/adapters/scheduler/memorySweepWakes';
import type { ProcessOutcome } from '../../lib/app/processJobStateChange';
import { POOL_ACTION_IDS } from '../../lib/events/poolActions';
import { slackSignature } from '../../lib/events/slackSignature';
import type { Ledger } from '../../lib/ports/ledger';
import type { Telemetry } from '../../lib/ports/telemetry';
import { loadConfig } from '../../lib/wiring/config/loadConfig';
import { Runtime, type RuntimeStores } from '../../lib/wiring/runtime';
import { SlackActionsRuntime } from '../../lib/wiring/slackActionsRuntime';
import { completedWithAvailablePool, jobEvent, T0 } from '../support/jobEvents';
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
  sageMaker.on(DescribeTrainingJobCommand).resolves(completedWithAvailablePool(name));

const SECRET = 'test-signing-secret';
const ADMIN = 'UADMIN1';
const ENV = {
  POOLWARDEN_TABLE: 'poolwarden-test-ledger',
  POOLWARDEN_SLACK_SIGNING_SECRET: SECRET,
  POOLWARDEN_SLACK_ADMINS: ADMIN,
};

/** A signed click on a pool button, as API Gateway's HTTP API hands it to the function. */
const clickRequest = (actionId: string, job: string) => {
  const payload = {
    type: 'block_actions',
    user: { id: ADMIN, username: 'admin' },
    team: { id: 'T0' },
    container: { type: 'message', message_ts: '1772445000.000100', channel_id: 'D0ADMIN' },
    actions: [{ action_id: actionId, value: JSON.stringify({ job, hop: job }), action_ts: '1772445700.1' }],
  };
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  // Slack signs with the wall clock, which the route checks the signature's age against.
  const timestamp = String(Math.floor(Date.now() / 1000));
  return {
    headers: {
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': slackSignature(SECRET, timestamp, body),
    },
    body,
    isBase64Encoded: false,
  };
};

const world = (stores: RuntimeStores = memoryStores()) => {
  const clock = new VirtualClock(NOW);
  const wakes = new MemorySweepWakes();
  const build = (telemetry: Telemetry) =>
    new Runtime({
      config: loadConfig(ENV),
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

  it('an event whose handling fails half-way asks for the next minute, and Lambda still sees the error', async () => {
    // The snapshot is written, then SageMaker cannot be asked about the pool: what was written is not known.
    sageMaker.on(DescribeTrainingJobCommand).rejects(new Error('SageMaker is down'));
    const { wakes, build } = world();
    const handler = createJobStateChangeHandler(build);
    await expect(handler(jobEvent({ name: 'train-d' }), lambdaContext('onJobStateChange'))).rejects.toThrow(
      'SageMaker is down',
    );
    expect([...wakes.wakes]).toEqual([T0 + 21 * MIN]);
  });

  it('the Slack route asks for the next minute after a click that acted, not after one that changed nothing', async () => {
    const { wakes, build } = world();
    describesAvailable('train-a');
    await createJobStateChangeHandler(build)(
      jobEvent({ name: 'train-a' }),
      lambdaContext('onJobStateChange'),
    );
    const askedByEvent = wakes.asked;
    sageMaker.on(UpdateTrainingJobCommand).resolves({});
    const slack = createSlackActionsHandler(
      (telemetry) => new SlackActionsRuntime(build(telemetry), telemetry, ENV),
    );
    const context = lambdaContext('slackActions');
    const unknown = await slack(clickRequest(POOL_ACTION_IDS.stop, 'no-such-job') as never, context);
    expect(unknown).toMatchObject({ statusCode: 200 });
    expect(wakes.asked).toBe(askedByEvent);
    const stopped = await slack(clickRequest(POOL_ACTION_IDS.stop, 'train-a') as never, context);
    expect(stopped).toMatchObject({ statusCode: 200, headers: { 'x-poolwarden-outcome': 'acted' } });
    expect(wakes.asked).toBe(askedByEvent + 1);
    expect([...wakes.wakes]).toEqual([T0 + 21 * MIN]);
  });
});
