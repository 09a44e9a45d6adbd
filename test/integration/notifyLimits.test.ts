import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackRefusal } from '../../devtools/local/slackMessageCheck';
import { type SlackSink, startSlackSink } from '../../devtools/local/slackSink';
import { type SnsSink, snsRefusal, startSnsSink } from '../../devtools/local/snsSink';
import { MemoryNotificationLog } from '../../lib/adapters/memory/memoryNotificationLog';
import { SlackBotChannel } from '../../lib/adapters/slack/slackBotChannel';
import { SlackWebhookChannel } from '../../lib/adapters/slack/slackWebhookChannel';
import { snsClient } from '../../lib/adapters/sns/snsClient';
import { SnsEmailChannel } from '../../lib/adapters/sns/snsEmailChannel';
import { differences, type MatchCriteria, matchKey } from '../../lib/domain/matchKey';
import { DEFAULT_OWNER_TAG_KEYS } from '../../lib/domain/owner';
import {
  FAILURE_REASON,
  ROLE_ARN,
  TAGS,
  TRAINING_JOB_NAME,
  VOLUME_KMS_KEY_ID,
  VPC_CONFIG,
} from '../../lib/domain/sageMakerLimits';
import type { JobSnapshot } from '../../lib/domain/trainingJob';
import { explainNoPool } from '../../lib/domain/warmPool';
import type { Notice, NoticeKind, PoolDecision } from '../../lib/notify/notice';
import type { NotificationChannel } from '../../lib/notify/notificationChannel';
import { Notifier } from '../../lib/notify/notifier';
import { DEFAULT_RETRY_POLICY } from '../../lib/notify/retry';
import type { Telemetry } from '../../lib/ports/telemetry';

const NOW = Date.parse('2026-03-02T12:00:00Z');
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:poolwarden-mail';
const TOKEN = 'xoxb-limits-test';

/** The longest of everything SageMaker allows (lib/domain/sageMakerLimits.ts). */
const longestName = (first: string) => `${first}${'-x'.repeat((TRAINING_JOB_NAME.maxLength - 1) / 2)}`;
const longId = (prefix: string, i: number) =>
  `${prefix}-${String(i).padStart(2, '0')}`.padEnd(VPC_CONFIG.id.maxLength, 'f');
const longCriteria = (variant: string): MatchCriteria => ({
  roleArn: `arn:aws:iam::123456789012:role/${variant.repeat(ROLE_ARN.maxLength)}`.slice(
    0,
    ROLE_ARN.maxLength,
  ),
  instanceType: 'ml.p5en.48xlarge',
  instanceCount: 2_147_483_647,
  volumeSizeInGB: 2_147_483_647,
  volumeKmsKeyId:
    `arn:aws:kms:us-east-1:123456789012:key/${variant.repeat(VOLUME_KMS_KEY_ID.maxLength)}`.slice(
      0,
      VOLUME_KMS_KEY_ID.maxLength,
    ),
  securityGroupIds: Array.from({ length: VPC_CONFIG.securityGroupIds.maxItems }, (_, i) =>
    longId(`sg${variant}`, i),
  ),
  subnets: Array.from({ length: VPC_CONFIG.subnets.maxItems }, (_, i) => longId(`subnet${variant}`, i)),
  enableNetworkIsolation: variant === 'a',
  enableInterContainerTrafficEncryption: variant === 'a',
});
const longTags = (): Record<string, string> => {
  const value = (text: string) => text.repeat(TAGS.valueMaxLength).slice(0, TAGS.valueMaxLength);
  const tags: Record<string, string> = {
    owner: value('o'),
    team: value('t'),
    email: `${'e'.repeat(TAGS.valueMaxLength - 12)}@example.com`,
    'slack-channel': value('c'),
    'slack-user': value('U'),
    timezone: 'America/Argentina/ComodRivadavia',
  };
  for (let i = 0; Object.keys(tags).length < TAGS.maxCount; i += 1)
    tags[`${String(i).padStart(3, '0')}`.padEnd(TAGS.keyMaxLength, 'k')] = value('v');
  return tags;
};
const longJob = (first: string, variant: string, overrides: Partial<JobSnapshot> = {}): JobSnapshot => {
  const name = longestName(first);
  const criteria = longCriteria(variant);
  const tags = longTags();
  return {
    name,
    arn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${name}`,
    status: 'Failed',
    lastModifiedMs: NOW,
    createdAtMs: NOW - 40 * 86_400_000,
    startedAtMs: NOW - 39 * 86_400_000,
    endedAtMs: NOW - 60_000,
    criteria,
    matchKey: matchKey(criteria),
    keepAliveSeconds: 21_600,
    spot: false,
    heterogeneous: false,
    tags,
    failureReason: `AlgorithmError: <${'&*_`~>'.repeat(FAILURE_REASON.maxLength)}`.slice(
      0,
      FAILURE_REASON.maxLength,
    ),
    secondaryStatus: 'MaxWaitTimeExceeded',
    owner: tags.owner ?? '',
    team: tags.team ?? '',
    ...overrides,
  };
};
const decision = (dryRun: boolean): PoolDecision => ({
  policy: 'r'.repeat(200),
  reason: `idle ${'9'.repeat(20)} min, limit 30 min; ${'because '.repeat(100)}`,
  decidedBy: 'policy',
  dryRun,
});

const job = longJob('a', 'a');
const pool = longJob('b', 'b');
const NOTICES: Record<NoticeKind, Notice[]> = {
  'job-ended': [{ kind: 'job-ended', job }],
  'pool-available': [
    { kind: 'pool-available', job, expiresAtMs: NOW + 21_600_000, keepAliveSeconds: 21_600 },
  ],
  'expiry-warning': [
    { kind: 'expiry-warning', job, expiresAtMs: NOW + 600_000, availableSinceMs: NOW - 27 * 86_400_000 },
    { kind: 'expiry-warning', job, expiresAtMs: NOW + 600_000, decision: decision(false) },
  ],
  'pool-extended': [
    {
      kind: 'pool-extended',
      job,
      expiresAtMs: NOW + 21_600_000,
      previousExpiresAtMs: NOW,
      decision: decision(false),
    },
    { kind: 'pool-extended', job, expiresAtMs: NOW + 21_600_000, decision: decision(true) },
  ],
  'pool-stopped': [
    { kind: 'pool-stopped', job, availableSinceMs: NOW - 27 * 86_400_000, decision: decision(false) },
    { kind: 'pool-stopped', job, decision: { ...decision(true), decidedBy: `slack:${'U'.repeat(200)}` } },
  ],
  'near-miss': [
    {
      kind: 'near-miss',
      job,
      nearMiss: { poolOf: pool.name, differences: differences(pool.criteria, job.criteria) },
    },
  ],
  'no-pool': [
    {
      kind: 'no-pool',
      job,
      noPool: explainNoPool({
        status: 'Failed',
        instanceType: 'ml.p5en.48xlarge',
        failureReason: job.failureReason ?? '',
        clusterLaunched: true,
        spot: false,
        heterogeneous: false,
      }),
    },
  ],
};

let slack: SlackSink;
let sns: SnsSink;
const previousEndpoint = process.env.AWS_ENDPOINT_URL_SNS;
beforeAll(async () => {
  slack = await startSlackSink({ botToken: TOKEN, users: { [job.tags.email ?? '']: 'U0LONG' } });
  sns = await startSnsSink();
  process.env.AWS_ENDPOINT_URL_SNS = sns.endpoint;
});
afterAll(async () => {
  if (previousEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_SNS;
  else process.env.AWS_ENDPOINT_URL_SNS = previousEndpoint;
  await slack?.close();
  await sns?.close();
});

const errors: string[] = [];
const telemetry: Telemetry = {
  info: () => {},
  warn: () => {},
  error: (message, fields) => errors.push(`${message} ${JSON.stringify(fields)}`),
  count: () => {},
};

const notifierWith = (channels: NotificationChannel[]) =>
  new Notifier({
    log: new MemoryNotificationLog(),
    channels,
    recipients: { tagKeys: DEFAULT_OWNER_TAG_KEYS, timeZoneTagKeys: ['timezone'], defaultTimeZone: 'UTC' },
    clock: { now: () => NOW },
    telemetry,
    retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 },
    leaseMs: 120_000,
    sleep: async () => {},
  });

describe('every message kind, with the longest names, tags and reasons SageMaker allows', () => {
  it('is accepted by the Slack stand-in (webhook and bot) and the SNS stand-in as Slack and SNS would', async () => {
    const channels: NotificationChannel[] = [
      new SlackWebhookChannel({ secrets: () => ({ webhookUrl: slack.webhookUrl }), attemptTimeoutMs: 5_000 }),
      new SlackBotChannel({
        secrets: () => ({ botToken: TOKEN }),
        defaultChannel: 'C0PLATFORM',
        dmByEmail: true,
        apiUrl: slack.apiUrl,
        attemptTimeoutMs: 5_000,
      }),
      new SnsEmailChannel(snsClient({ attemptTimeoutMs: 5_000 }), {
        topicArn: TOPIC,
        defaultOwner: 'unowned',
        attemptTimeoutMs: 5_000,
      }),
    ];
    const notices = Object.values(NOTICES).flat();
    for (const notice of notices) {
      // A fresh log each time: every variant is sent, none is a duplicate of another.
      const outcome = await notifierWith(channels).notify(notice);
      expect(outcome.kind, `${notice.kind}: ${errors.join('\n')}`).toBe('sent');
    }
    expect(slack.requests.filter((r) => r.refused)).toEqual([]);
    const posted = slack.requests.filter((r) => r.method !== 'users.lookupByEmail');
    expect(posted).toHaveLength(notices.length * 2);
    expect(sns.published).toHaveLength(notices.length);
    // The stand-in saw the long parts: the near miss's differences fill a section to its limit.
    const longest = Math.max(
      ...posted.flatMap((r) =>
        (Array.isArray(r.body.blocks) ? r.body.blocks : []).map((b) => JSON.stringify(b).length),
      ),
    );
    expect(longest).toBeGreaterThan(2_000);
  });
});

describe('the stand-ins refuse what Slack and SNS refuse', () => {
  const button = (action_id: string, overrides: Record<string, unknown> = {}) => ({
    type: 'button',
    action_id,
    text: { type: 'plain_text', text: 'Go' },
    value: 'v',
    ...overrides,
  });
  const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
  const refusals: Array<readonly [string, unknown, string]> = [
    ['no fallback text', { blocks: [section('a')] }, 'no_text'],
    [
      '51 blocks',
      { text: 't', blocks: Array.from({ length: 51 }, () => section('a')) },
      'msg_blocks_too_long',
    ],
    ['a section of 3001 characters', { text: 't', blocks: [section('a'.repeat(3001))] }, 'invalid_blocks'],
    [
      'a header of 151 characters',
      { text: 't', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] },
      'invalid_blocks',
    ],
    [
      'button text of 76 characters',
      {
        text: 't',
        blocks: [
          {
            type: 'actions',
            elements: [button('a', { text: { type: 'plain_text', text: 'b'.repeat(76) } })],
          },
        ],
      },
      'invalid_blocks',
    ],
    [
      'a button value of 2001 characters',
      { text: 't', blocks: [{ type: 'actions', elements: [button('a', { value: 'v'.repeat(2001) })] }] },
      'invalid_blocks',
    ],
    [
      'an action_id of 256 characters',
      { text: 't', blocks: [{ type: 'actions', elements: [button('a'.repeat(256))] }] },
      'invalid_blocks',
    ],
    [
      'two buttons with one action_id',
      { text: 't', blocks: [{ type: 'actions', elements: [button('same'), button('same')] }] },
      'invalid_blocks',
    ],
    [
      '26 elements in an actions block',
      {
        text: 't',
        blocks: [{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button(`b${i}`)) }],
      },
      'invalid_blocks',
    ],
    [
      '11 elements in a context block',
      {
        text: 't',
        blocks: [
          { type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) },
        ],
      },
      'invalid_blocks',
    ],
    ...(
      [
        ['title', 101],
        ['text', 301],
        ['confirm', 31],
        ['deny', 31],
      ] as const
    ).map(
      ([field, length]) =>
        [
          `a confirmation ${field} of ${length} characters`,
          {
            text: 't',
            blocks: [
              {
                type: 'actions',
                elements: [
                  button('a', {
                    confirm: {
                      title: { type: 'plain_text', text: 'T' },
                      text: { type: 'mrkdwn', text: 'T' },
                      confirm: { type: 'plain_text', text: 'Y' },
                      deny: { type: 'plain_text', text: 'N' },
                      [field]: { type: field === 'text' ? 'mrkdwn' : 'plain_text', text: 'x'.repeat(length) },
                    },
                  }),
                ],
              },
            ],
          },
          'invalid_blocks',
        ] as const,
    ),
  ];
  it.each(refusals)('Slack: %s', (_what, body, error) => {
    expect(slackRefusal(body as Record<string, unknown>)?.error).toBe(error);
  });

  it('Slack: answers a refused webhook post with 400 and the error, as Slack does', async () => {
    const response = await fetch(slack.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ blocks: [section('no text')] }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('no_text');
  });

  const publish = (fields: Record<string, string>) => ({
    Action: 'Publish',
    TopicArn: TOPIC,
    Message: 'm',
    ...fields,
  });
  const attributes = (n: number, value = 'v') =>
    Object.fromEntries(
      Array.from({ length: n }, (_, i) => [
        [`MessageAttributes.entry.${i + 1}.Name`, `a${i}`],
        [`MessageAttributes.entry.${i + 1}.Value.DataType`, 'String'],
        [`MessageAttributes.entry.${i + 1}.Value.StringValue`, value],
      ]).flat(),
    );
  it.each([
    ['a subject of 100 characters', publish({ Subject: 's'.repeat(100) })],
    ['a subject with a line break', publish({ Subject: 'a\nb' })],
    ['a message over 256 KB', publish({ Message: 'm'.repeat(262_145) })],
    ['11 attributes', publish(attributes(11))],
    ['an empty attribute value', publish(attributes(1, ''))],
    [
      'an attribute named AWS.x',
      publish({
        'MessageAttributes.entry.1.Name': 'AWS.x',
        'MessageAttributes.entry.1.Value.StringValue': 'v',
      }),
    ],
  ])('SNS: %s', (_what, fields) => {
    expect(snsRefusal(fields)).toMatch(/^Invalid parameter/);
  });

  it('SNS: accepts a message at its limits', () => {
    expect(snsRefusal(publish({ Subject: 's'.repeat(99), ...attributes(10) }))).toBeUndefined();
  });
});
