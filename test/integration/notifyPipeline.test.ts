import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackSink, startSlackSink } from '../../devtools/local/slackSink';
import { type SnsSink, startSnsSink } from '../../devtools/local/snsSink';
import { documentClient } from '../../lib/adapters/awsClients';
import { DynamoLedger } from '../../lib/adapters/dynamo/dynamoLedger';
import { type ProcessDeps, processJobStateChange } from '../../lib/app/processJobStateChange';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../lib/domain/keepAlive';
import type { SentNotification } from '../../lib/notify/notifier';
import type { Telemetry } from '../../lib/ports/telemetry';
import type { TrainingJobDescription, TrainingJobs } from '../../lib/ports/trainingJobs';
import { loadConfig } from '../../lib/wiring/config/loadConfig';
import { type NotifyDependencies, notifyDependencies } from '../../lib/wiring/notifyDependencies';
import { slackSecretsFrom } from '../../lib/wiring/ssmParameters';
import { jobEvent, T0 } from '../support/jobEvents';
import { type LocalDynamo, startLocalDynamo } from '../support/localDynamo';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:poolwarden-mail';
const MIN = 60_000;
/** jobEvent's defaults: created at T0, ended ten minutes later, keep-alive 30 min. */
const ENDED = T0 + 10 * MIN;
const NOW = ENDED + MIN;

let dynamo: LocalDynamo;
let TABLE: string;
let slack: SlackSink;
let sns: SnsSink;
const saved = {
  dynamo: process.env.AWS_ENDPOINT_URL_DYNAMODB,
  sns: process.env.AWS_ENDPOINT_URL_SNS,
};
const restore = (name: string, value: string | undefined) => {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
};

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  TABLE = await dynamo.createLedgerTable();
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
  slack = await startSlackSink();
  sns = await startSnsSink();
  process.env.AWS_ENDPOINT_URL_SNS = sns.endpoint;
});
afterAll(async () => {
  restore('AWS_ENDPOINT_URL_DYNAMODB', saved.dynamo);
  restore('AWS_ENDPOINT_URL_SNS', saved.sns);
  await slack.close();
  await sns.close();
  await dynamo.stop();
});

/** SageMaker as far as the ingest asks: every ended job kept a warm pool. */
const trainingJobs: TrainingJobs = {
  describe: async (name): Promise<TrainingJobDescription> => ({
    name,
    status: 'Completed',
    instanceType: 'ml.g5.2xlarge',
    endedAtMs: ENDED,
    keepAliveSeconds: 1800,
    warmPool: { status: 'Available' },
  }),
  setKeepAlive: async () => {},
};

const event = (name: string, id: string) =>
  jobEvent({ name, id, tags: { owner: 'alice', team: 'vision', timezone: 'Europe/Paris' } });

const errors: string[] = [];
const telemetry: Telemetry = {
  info: () => {},
  warn: () => {},
  error: (message, fields) => errors.push(`${message} ${JSON.stringify(fields)}`),
  count: () => {},
};

/** What functions/onJobStateChange will build: core deps, the notification path, secrets from middy's context. */
const wire = (): {
  deps: ProcessDeps;
  notify: NotifyDependencies;
  sent: SentNotification[];
  ledger: DynamoLedger;
} => {
  const { core, notify: config } = loadConfig({
    POOLWARDEN_TABLE: TABLE,
    POOLWARDEN_SLACK_MODE: 'webhook',
    POOLWARDEN_SLACK_WEBHOOK_URL_PARAM: '/poolwarden/test/slack-webhook-url',
    POOLWARDEN_NOTIFY_TOPIC_ARN: TOPIC,
  });
  const clock = { now: () => NOW };
  const sent: SentNotification[] = [];
  const notify = notifyDependencies(core, config, {
    clock,
    telemetry,
    sleep: async () => {},
    onSent: (s) => sent.push(s),
  });
  // As @middy/ssm (setToContext: true) hands the parameter over on each invocation.
  notify.slackSecrets.set(slackSecretsFrom({ slackWebhookUrl: slack.webhookUrl }, {}));
  const ledger = new DynamoLedger(documentClient(), TABLE);
  const deps: ProcessDeps = {
    ledger,
    trainingJobs,
    clock,
    limits: DEFAULT_KEEP_ALIVE_LIMITS,
    describeConcurrency: 2,
    tagKeys: core.tagKeys,
    telemetry,
    reactors: [notify.reactor],
  };
  return { deps, notify, sent, ledger };
};

const slackTextsFor = (job: string) => slack.messages.filter((m) => m.text.includes(job)).map((m) => m.text);
const mailsFor = (job: string) => sns.published.filter((p) => p.attributes.job === job);

describe('notifications from onJobStateChange', () => {
  it('sends one message per channel however often the event is delivered', async () => {
    const { deps, sent } = wire();
    for (const id of ['e1', 'e1', 'e2']) {
      expect((await processJobStateChange(event('dup-1', id), deps)).kind).toBe('applied');
    }
    expect(slackTextsFor('dup-1')).toEqual(['Warm pool of dup-1 available until 10:40 CET (in 29 min)']);
    expect(mailsFor('dup-1').map((m) => [m.subject, m.attributes.owner, m.attributes.kind])).toEqual([
      ['[poolwarden] Warm pool of dup-1 available until 10:40 CET (in 29 min)', 'alice', 'pool-available'],
    ]);
    expect(sent.map((s) => s.envelope.channel).sort()).toEqual(['email', 'slack']);
  });

  it('a Slack outage loses neither the ledger write nor the message: it waits as a dead letter, then replays once', async () => {
    const { deps, notify, ledger } = wire();
    slack.setOutage(true);
    expect((await processJobStateChange(event('outage-1', 'e3'), deps)).kind).toBe('applied');
    expect((await ledger.getJob('outage-1'))?.pool?.status).toBe('Available');
    expect(slack.requests.filter((r) => r.status === 503)).toHaveLength(3);
    expect(mailsFor('outage-1')).toHaveLength(1);
    expect(errors.join('\n')).toContain('dead-lettered a notification');
    expect(errors.join('\n')).not.toContain(slack.webhookUrl);

    // A redelivery during the outage neither resends the email nor hammers Slack again.
    const attempts = slack.requests.length;
    await processJobStateChange(event('outage-1', 'e4'), deps);
    expect(slack.requests.length).toBe(attempts);

    slack.setOutage(false);
    const replayed = await notify.notifier.replayDeadLetters(25);
    expect(replayed.items.map((r) => [r.key.job, r.kind])).toContainEqual(['outage-1', 'delivered']);
    expect(slackTextsFor('outage-1')).toEqual([
      'Warm pool of outage-1 available until 10:40 CET (in 29 min)',
    ]);
    expect(mailsFor('outage-1')).toHaveLength(1);

    const again = await notify.notifier.replayDeadLetters(25);
    expect(again.items.filter((r) => r.key.job === 'outage-1')).toEqual([]);
    await processJobStateChange(event('outage-1', 'e5'), deps);
    expect(slackTextsFor('outage-1')).toHaveLength(1);
  });
});
