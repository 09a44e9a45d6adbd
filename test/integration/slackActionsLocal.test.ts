import { DescribeTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalEndpoints, type LocalRunResult, runLocal } from '../../devtools/local/runLocal';
import { LOCAL_SLACK_SIGNING_SECRET } from '../../devtools/local/slackActionsServer';
import { type SlackSink, startSlackSink } from '../../devtools/local/slackSink';
import { OUTCOME_HEADER } from '../../functions/slackActions';
import { POOL_ACTION_IDS } from '../../lib/events/poolActions';
import { slackSignature } from '../../lib/events/slackSignature';
import { parseTraceOrThrow } from '../../lib/trace/parseTrace';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../lib/wiring/localStack';

const OWNER = 'UALICE1';
const TRACE = parseTraceOrThrow(
  JSON.stringify({
    name: 'alice-train',
    submitAt: '2026-03-02T09:00:00Z',
    durationSeconds: 600,
    outcome: 'Completed',
    roleArn: 'arn:aws:iam::123456789012:role/vision-training',
    instanceType: 'ml.g5.xlarge',
    instanceCount: 1,
    volumeSizeInGB: 30,
    keepAliveSeconds: 1800,
    tags: { owner: 'alice', team: 'vision', 'slack-user': OWNER },
  }),
);

interface Sent {
  readonly status: number;
  readonly outcome: string | null;
}

/** A click on a button of the message about alice-train, as Slack posts it to the interactivity URL. */
const clickBody = (user: string, actionId: string, responseUrl: string) =>
  `payload=${encodeURIComponent(
    JSON.stringify({
      type: 'block_actions',
      user: { id: user, username: user.toLowerCase() },
      team: { id: 'T0LOCAL' },
      container: { type: 'message', message_ts: '1772442000.000100', channel_id: 'D0ALICE' },
      response_url: responseUrl,
      actions: [
        {
          action_id: actionId,
          block_id: 'poolwarden.pool-available',
          value: JSON.stringify({ job: 'alice-train', hop: 'alice-train' }),
          action_ts: '1772442100.000200',
        },
      ],
    }),
  )}`;

const post = async (url: string, body: string, secret = LOCAL_SLACK_SIGNING_SECRET): Promise<Sent> => {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': slackSignature(secret, timestamp, body),
    },
    body,
  });
  await response.text();
  return { status: response.status, outcome: response.headers.get(OUTCOME_HEADER) };
};

/**
 * The Slack actions route of the local stack, over loopback: a signed request to
 * POST /slack/actions reaches the real handler, which stops the emulator's pool.
 */
describe('the Slack actions route of the local stack', () => {
  let sink: SlackSink;
  let endpoints: LocalEndpoints | undefined;
  let result: LocalRunResult;
  const seen: Record<string, Sent | string | undefined> = {};

  beforeAll(async () => {
    // Where Slack's response_url would point: a sink on loopback records the answers.
    sink = await startSlackSink({});
    const responseUrl = `${new URL(sink.webhookUrl).origin}/actions/T0LOCAL/1/local`;
    let done = false;
    result = await runLocal({
      trace: TRACE,
      onReady: (e) => {
        endpoints = e;
      },
      onStep: async () => {
        if (done || !endpoints) return;
        const sageMaker = new SageMakerClient({
          endpoint: endpoints.sagemaker,
          region: LOCAL_REGION,
          credentials: LOCAL_CREDENTIALS,
        });
        const status = async () =>
          (await sageMaker.send(new DescribeTrainingJobCommand({ TrainingJobName: 'alice-train' })))
            .WarmPoolStatus?.Status;
        if ((await status()) !== 'Available') return;
        done = true;
        const url = endpoints.slackActions;
        const stop = clickBody(OWNER, POOL_ACTION_IDS.stop, responseUrl);
        seen.wrongSecret = await post(url, stop, 'not-the-secret');
        seen.afterWrongSecret = await status();
        seen.stranger = await post(url, clickBody('UMALLORY', POOL_ACTION_IDS.stop, responseUrl));
        seen.afterStranger = await status();
        seen.owner = await post(url, stop);
        seen.afterOwner = await status();
        seen.again = await post(url, stop);
      },
    });
  }, 60_000);

  afterAll(async () => {
    await sink?.close();
  });

  it('serves the route on loopback only', () => {
    expect(endpoints?.slackActions).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/slack\/actions$/);
  });

  it('answers 401 to a request signed with another secret, and changes nothing', () => {
    expect(seen.wrongSecret).toEqual({ status: 401, outcome: 'unverified' });
    expect(seen.afterWrongSecret).toBe('Available');
  });

  it('refuses someone who is neither the owner nor an admin, and changes nothing', () => {
    expect(seen.stranger).toEqual({ status: 200, outcome: 'unauthorized' });
    expect(seen.afterStranger).toBe('Available');
  });

  it("stops the emulator's pool on the owner's signed click, once", () => {
    expect(seen.owner).toEqual({ status: 200, outcome: 'acted' });
    expect(seen.afterOwner).toBe('Terminated');
    expect(seen.again).toEqual({ status: 200, outcome: 'duplicate' });
    const stops = result.report.actions.filter((a) => a.action === 'stop');
    expect(stops).toEqual([
      expect.objectContaining({ job: 'alice-train', actor: `slack:${OWNER}`, outcome: 'applied' }),
    ]);
    expect(result.report.check.ledgerMatchesEmulator).toBe(true);
  });

  it('answers in Slack through the response_url: the message says who did what, refusals only to the clicker', () => {
    const answers = sink.requests.map((r) => r.body);
    expect(answers).toEqual([
      expect.objectContaining({
        response_type: 'ephemeral',
        replace_original: false,
        text: expect.stringMatching(/only the pool's owner/),
      }),
      expect.objectContaining({
        replace_original: true,
        text: expect.stringContaining(`<@${OWNER}> stopped the warm pool of \`alice-train\``),
      }),
      expect.objectContaining({
        response_type: 'ephemeral',
        text: expect.stringMatching(/already done from this message/),
      }),
    ]);
  });
});

/**
 * A click while SageMaker does not answer: the route answers within Slack's 3 s that the stop
 * is pending, keeps it as an intent, and the next sweep finishes it and posts the outcome to
 * the click's response_url, which the local Slack sink receives over loopback.
 */
describe('the Slack actions route when SageMaker does not answer in time', () => {
  let sink: SlackSink;
  let endpoints: LocalEndpoints | undefined;
  let result: LocalRunResult;
  let sageMakerDown = false;
  const seen: Record<string, Sent | string | number | undefined> = {};

  beforeAll(async () => {
    sink = await startSlackSink({});
    const responseUrl = `${new URL(sink.webhookUrl).origin}/actions/T0LOCAL/2/local`;
    let done = false;
    result = await runLocal({
      trace: TRACE,
      throttleSageMaker: () => sageMakerDown,
      onReady: (e) => {
        endpoints = e;
      },
      onStep: async () => {
        if (done || !endpoints) return;
        const sageMaker = new SageMakerClient({
          endpoint: endpoints.sagemaker,
          region: LOCAL_REGION,
          credentials: LOCAL_CREDENTIALS,
          maxAttempts: 1,
        });
        const status = async () =>
          (await sageMaker.send(new DescribeTrainingJobCommand({ TrainingJobName: 'alice-train' })))
            .WarmPoolStatus?.Status;
        if ((await status()) !== 'Available') return;
        done = true;
        sageMakerDown = true;
        seen.owner = await post(endpoints.slackActions, clickBody(OWNER, POOL_ACTION_IDS.stop, responseUrl));
        sageMakerDown = false;
        seen.afterClick = await status();
        seen.answersBeforeSweep = sink.requests.length;
      },
    });
  }, 60_000);

  afterAll(async () => {
    await sink?.close();
  });

  it('answers at once that the action is pending, having changed nothing yet', () => {
    expect(seen.owner).toEqual({ status: 200, outcome: 'pending' });
    expect(seen.afterClick).toBe('Available');
    expect(seen.answersBeforeSweep).toBe(1);
    expect(sink.requests[0]?.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/did not answer in time.*posted here/),
    });
  });

  it('finishes the stop at the next sweep and posts the outcome to the response_url', () => {
    expect(sink.requests).toHaveLength(2);
    expect(sink.requests[1]).toMatchObject({
      path: '/actions/T0LOCAL/2/local',
      body: expect.objectContaining({
        replace_original: false,
        text: expect.stringContaining('Done after all: the warm pool of `alice-train` is stopped'),
      }),
    });
    const stops = result.report.actions.filter((a) => a.action === 'stop');
    // The click's own decision, counted unknown at first, then carried out by the sweep under the
    // click's key: one stop, done once.
    expect(stops).toEqual([
      expect.objectContaining({ job: 'alice-train', actor: `slack:${OWNER}`, outcome: 'unknown' }),
      expect.objectContaining({
        job: 'alice-train',
        actor: `slack:${OWNER}`,
        outcome: 'applied',
        dedupeKey: expect.stringMatching(/^slack#D0ALICE#/),
      }),
    ]);
    expect(result.report.check.ledgerMatchesEmulator).toBe(true);
  });
});
