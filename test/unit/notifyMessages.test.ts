import { describe, expect, it } from 'vitest';
import { matchKey } from '../../lib/domain/matchKey';
import { DEFAULT_OWNER_TAG_KEYS } from '../../lib/domain/owner';
import { TRAINING_JOB_NAME } from '../../lib/domain/sageMakerLimits';
import type { JobSnapshot } from '../../lib/domain/trainingJob';
import { POOL_ACTION_IDS, parsePoolActionValue } from '../../lib/events/poolActions';
import type { ActionsBlock, SlackBlock } from '../../lib/notify/messages/blockKit';
import { followUpReply } from '../../lib/notify/messages/followUpReply';
import { formatDuration, formatTime } from '../../lib/notify/messages/format';
import { toPlainText } from '../../lib/notify/messages/mrkdwn';
import { stopButton } from '../../lib/notify/messages/poolButtons';
import { renderNotice } from '../../lib/notify/messages/render';
import type { Notice, PoolDecision } from '../../lib/notify/notice';
import { type Recipient, resolveRecipient } from '../../lib/notify/recipient';
import { SLACK_LIMITS } from '../../lib/notify/slackLimits';

const NOW = Date.parse('2024-06-04T12:00:00Z');
const criteria = {
  roleArn: 'arn:aws:iam::123456789012:role/Train',
  instanceType: 'ml.g5.12xlarge',
  instanceCount: 2,
  volumeSizeInGB: 50,
  volumeKmsKeyId: null,
  securityGroupIds: ['sg-1'],
  subnets: ['subnet-a', 'subnet-b'],
  enableNetworkIsolation: false,
  enableInterContainerTrafficEncryption: true,
};
const job = (overrides: Partial<JobSnapshot> = {}): JobSnapshot => ({
  name: 'train-42',
  arn: 'arn:aws:sagemaker:eu-west-1:123456789012:training-job/train-42',
  status: 'Completed',
  lastModifiedMs: NOW,
  createdAtMs: NOW - 3 * 3600_000,
  startedAtMs: NOW - 2 * 3600_000 - 180_000,
  endedAtMs: NOW - 60_000,
  criteria,
  matchKey: matchKey(criteria),
  keepAliveSeconds: 1800,
  spot: false,
  heterogeneous: false,
  tags: { owner: 'alice', team: 'vision', 'slack-user': 'U0ALICE', timezone: 'Europe/Paris' },
  owner: 'alice',
  team: 'vision',
  ...overrides,
});
const recipientOf = (snapshot: JobSnapshot): Recipient =>
  resolveRecipient(snapshot.tags, {
    tagKeys: DEFAULT_OWNER_TAG_KEYS,
    timeZoneTagKeys: ['timezone'],
    defaultTimeZone: 'UTC',
  });
const render = (notice: Notice) => renderNotice(notice, { nowMs: NOW, recipient: recipientOf(notice.job) });
const sections = (blocks: readonly SlackBlock[]): string =>
  blocks.flatMap((b) => (b.type === 'section' ? [b.text.text] : [])).join('\n');
const actions = (blocks: readonly SlackBlock[]): ActionsBlock | undefined =>
  blocks.find((b): b is ActionsBlock => b.type === 'actions');
const policy: PoolDecision = {
  policy: 'idle-limit',
  reason: 'idle 45 min, limit 30 min',
  decidedBy: 'policy',
  dryRun: false,
};

describe('formatting for a phone', () => {
  it('shows times in the owner zone with its abbreviation, and the day only when it is not today', () => {
    expect(formatTime(NOW + 1800_000, 'Europe/Paris', NOW)).toBe('14:30 CEST');
    expect(formatTime(NOW + 1800_000, 'America/New_York', NOW)).toBe('08:30 EDT');
    expect(formatTime(NOW + 20 * 3600_000, 'Europe/Paris', NOW)).toBe('Wed 5 Jun, 10:00 CEST');
    expect(formatTime(NOW, 'Asia/Kolkata', NOW)).toBe('17:30 GMT+5:30');
  });

  it('writes durations briefly', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(12 * 60)).toBe('12 min');
    expect(formatDuration(2 * 3600 + 3 * 60)).toBe('2 h 03 min');
    expect(formatDuration(3 * 86400 + 4 * 3600)).toBe('3 d 4 h');
  });

  it('turns mrkdwn into plain text for email, leaving code spans literal', () => {
    expect(toPlainText('*`train-42` failed* after <https://x.test/a|the console> for <@U1>')).toBe(
      'train-42 failed after the console (https://x.test/a) for @U1',
    );
    expect(toPlainText('> AlgorithmError: &lt;oops&gt;\n• `a_b_c` *bold*')).toBe(
      '  AlgorithmError: <oops>\n- a_b_c bold',
    );
  });
});

describe('job ended', () => {
  it('gives status, duration and the failure reason, escaped', () => {
    const message = render({
      kind: 'job-ended',
      job: job({ status: 'Failed', failureReason: 'AlgorithmError: <exit 1>', keepAliveSeconds: 0 }),
    });
    expect(message.text).toBe('train-42 failed after 2 h 02 min');
    expect(sections(message.blocks)).toContain('> AlgorithmError: &lt;exit 1&gt;');
    expect(sections(message.blocks)).toContain('no warm pool kept (no keep-alive requested)');
    expect(actions(message.blocks)).toBeUndefined();
    expect(message.email.body).toContain('AlgorithmError: <exit 1>');
  });
});

describe('pool available', () => {
  const message = render({
    kind: 'pool-available',
    job: job(),
    expiresAtMs: NOW + 1800_000,
    keepAliveSeconds: 1800,
  });

  it('says until when in the owner time zone', () => {
    expect(message.text).toBe('Warm pool of train-42 available until 14:30 CEST (in 30 min)');
    expect(message.email.subject).toBe(
      '[poolwarden] Warm pool of train-42 available until 14:30 CEST (in 30 min)',
    );
  });

  it('lists every criterion a new job must match, and says the image may differ', () => {
    const text = sections(message.blocks);
    for (const expected of [
      'Role: `arn:aws:iam::123456789012:role/Train`',
      'Instance type: `ml.g5.12xlarge`',
      'Instance count: `2`',
      'Volume size (GB): `50`',
      'Volume KMS key: `none`',
      'Security groups: `sg-1`',
      'Subnets: `subnet-a, subnet-b`',
      'Network isolation: `off`',
      'Inter-container encryption: `on`',
      'The image, code and data may differ',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('tells the job end too, so no separate job-ended message is needed', () => {
    expect(sections(message.blocks)).toContain('`train-42` completed after 2 h 02 min');
  });

  it('carries Extend, Keep until end of day and Stop buttons with stable ids and a {job, hop} value', () => {
    const block = actions(message.blocks);
    expect(block?.elements.map((e) => e.action_id)).toEqual([
      POOL_ACTION_IDS.extend,
      POOL_ACTION_IDS.keepUntilEndOfDay,
      POOL_ACTION_IDS.stop,
    ]);
    for (const button of block?.elements ?? []) {
      expect(JSON.parse(button.value)).toEqual({ job: 'train-42', hop: 'train-42' });
      expect(parsePoolActionValue(button.value)).toEqual({ job: 'train-42', hop: 'train-42' });
    }
    expect(block?.elements.find((e) => e.action_id === 'pool.stop')?.confirm).toBeDefined();
  });

  it("keeps a member account's button value readable and within Slack's limit", () => {
    const longest = `999999999999/ap-southeast-2/${'x'.repeat(TRAINING_JOB_NAME.maxLength)}`;
    const value = stopButton(longest).value;
    expect(value.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
    expect(parsePoolActionValue(value)).toEqual({ job: longest, hop: longest });
  });

  it('mentions the owner and links the console', () => {
    const context = message.blocks.find((b) => b.type === 'context');
    expect(JSON.stringify(context)).toContain('<@U0ALICE> · team vision');
    expect(JSON.stringify(context)).toContain(
      'https://eu-west-1.console.aws.amazon.com/sagemaker/home?region=eu-west-1#/jobs/train-42',
    );
  });

  it('gives email readers the command that releases the pool', () => {
    expect(message.email.body).toContain(
      'aws sagemaker update-training-job --training-job-name train-42 --resource-config KeepAlivePeriodInSeconds=0',
    );
    expect(message.email.body).not.toMatch(/[*`]/);
  });

  it('falls back to the default zone when the tag is not a time zone', () => {
    const snapshot = job({ tags: { owner: 'bob', timezone: 'Mars/Olympus' } });
    expect(render({ kind: 'pool-available', job: snapshot, expiresAtMs: NOW + 1800_000 }).text).toContain(
      '12:30 UTC',
    );
  });
});

describe('expiry warning', () => {
  it('says how long is left and offers Extend, Keep, Snooze and Stop', () => {
    const message = render({
      kind: 'expiry-warning',
      job: job(),
      expiresAtMs: NOW + 900_000,
      availableSinceMs: NOW - 3600_000,
    });
    expect(message.text).toBe('Warm pool of train-42 ends in 15 min (14:15 CEST)');
    expect(sections(message.blocks)).toContain('idle since 13:00 CEST (1 h 00 min)');
    expect(actions(message.blocks)?.elements.map((e) => e.action_id)).toEqual([
      'pool.extend',
      'pool.keep_until_eod',
      'pool.snooze',
      'pool.stop',
    ]);
  });
});

describe('policy warning', () => {
  it('names the rule and why the pool is about to end', () => {
    const message = render({
      kind: 'expiry-warning',
      job: job(),
      expiresAtMs: NOW + 600_000,
      decision: { ...policy, reason: 'pool ends 12:10 UTC: the idle limit of 30 min is reached' },
    });
    expect(message.text).toBe('Warm pool of train-42 ends in 10 min (14:10 CEST)');
    expect(sections(message.blocks)).toContain(
      '*Why:* pool ends 12:10 UTC: the idle limit of 30 min is reached',
    );
  });
});

describe('pool extended or stopped', () => {
  it('names the policy and the reason, and the time gained', () => {
    const message = render({
      kind: 'pool-extended',
      job: job(),
      expiresAtMs: NOW + 7200_000,
      previousExpiresAtMs: NOW + 3600_000,
      decision: { ...policy, policy: 'reuse-streak', reason: 'reused 3 times in the last hour' },
    });
    expect(message.text).toBe('Warm pool of train-42 extended until 16:00 CEST (reuse-streak)');
    expect(sections(message.blocks)).toContain('(+1 h 00 min)');
    expect(sections(message.blocks)).toContain(
      '*Policy:* `reuse-streak`\n*Why:* reused 3 times in the last hour',
    );
  });

  it('says a hold holds auto-stop off and moves no end: the keep-alive still ends the pool', () => {
    const message = render({
      kind: 'pool-extended',
      job: job(),
      expiresAtMs: NOW + 1200_000,
      heldUntilMs: NOW + 3600_000,
      decision: { ...policy, policy: 'slack', reason: 'snoozed auto-stop for 1h' },
    });
    expect(message.text).toBe('Auto-stop of the warm pool of train-42 held off until 15:00 CEST (slack)');
    expect(sections(message.blocks)).toContain('its keep-alive still ends it at *14:20 CEST*');
    expect(sections(message.blocks)).not.toContain('extended');
    expect(actions(message.blocks)?.elements.map((e) => e.action_id)).toEqual(['pool.extend', 'pool.stop']);
  });

  it('says a dry run changed nothing and offers no buttons', () => {
    const message = render({
      kind: 'pool-stopped',
      job: job(),
      availableSinceMs: NOW - 2700_000,
      decision: { ...policy, dryRun: true },
    });
    expect(message.text).toBe('Dry run: would stop the warm pool of train-42');
    expect(sections(message.blocks)).toContain('It had been idle for 45 min. The pool is still warm.');
    expect(actions(message.blocks)).toBeUndefined();
  });

  it('tells the idle time up to the stop, however late the message goes out', () => {
    const notice: Notice = {
      kind: 'pool-stopped',
      job: job(),
      availableSinceMs: NOW - 120_000,
      stoppedAtMs: NOW,
      decision: policy,
    };
    const at = (nowMs: number) => renderNotice(notice, { nowMs, recipient: recipientOf(notice.job) });
    const atOnce = at(NOW);
    const late = at(NOW + 50 * 60_000);
    expect(sections(atOnce.blocks)).toContain('It had been idle for 2 min.');
    expect(sections(late.blocks)).toContain('It had been idle for 2 min.');
  });

  it('says a real stop is final', () => {
    const message = render({ kind: 'pool-stopped', job: job(), decision: policy });
    expect(message.text).toBe('Warm pool of train-42 stopped (idle-limit)');
    expect(sections(message.blocks)).toContain('The next matching job will start cold.');
  });
});

describe('near miss', () => {
  it('lists which fields differed, in words, and offers to stop the unused pool', () => {
    const message = render({
      kind: 'near-miss',
      job: job({ name: 'train-43' }),
      nearMiss: {
        poolOf: 'train-42',
        differences: [
          { field: 'volumeSizeInGB', pool: '50', job: '30' },
          { field: 'volumeKmsKeyId', pool: 'null', job: 'key-1' },
          { field: 'subnets', pool: '[subnet-a,subnet-b]', job: '[subnet-c]' },
        ],
      },
    });
    expect(message.text).toBe(
      'train-43 started cold: the warm pool of train-42 differs in Volume size (GB), Volume KMS key, Subnets',
    );
    const text = sections(message.blocks);
    expect(text).toContain('• Volume size (GB): pool `50`, this job `30`');
    expect(text).toContain('• Volume KMS key: pool `none`, this job `key-1`');
    expect(text).toContain('• Subnets: pool `subnet-a, subnet-b`, this job `subnet-c`');
    expect(actions(message.blocks)?.elements.map((e) => [e.action_id, e.value])).toEqual([
      ['pool.stop', JSON.stringify({ job: 'train-42', hop: 'train-42' })],
    ]);
  });
});

describe('keep-alive without a pool', () => {
  it('explains the quota and links Service Quotas', () => {
    const message = render({
      kind: 'no-pool',
      job: job(),
      noPool: {
        reason: 'no-warm-pool-quota',
        detail:
          'no warm pool was kept: the account\'s "ml.g5.12xlarge for training warm pool usage" quota is probably 0 (the default); request an increase in Service Quotas',
      },
    });
    expect(message.text).toBe('train-42 got no warm pool: the ml.g5.12xlarge warm pool quota is probably 0');
    expect(sections(message.blocks)).toContain('(keep-alive of 30 min requested)');
    expect(sections(message.blocks)).toContain('No warm pool was kept: the account');
    expect(sections(message.blocks)).toContain('servicequotas');
  });
});

describe('email subjects', () => {
  it('stay printable ASCII under 100 characters, as SNS requires', () => {
    const message = render({
      kind: 'near-miss',
      job: job({ name: `train-${'x'.repeat(55)}` }),
      nearMiss: {
        poolOf: `pool-${'y'.repeat(55)}`,
        differences: [{ field: 'instanceType', pool: 'ml.p4d.24xlarge', job: 'ml.p5.48xlarge' }],
      },
    });
    expect(message.email.subject.length).toBeLessThan(100);
    expect(message.email.subject).toMatch(/^[\x20-\x7e]+$/);
  });
});

describe('the follow-up of a click finished after its answer', () => {
  const decision = {
    job: 'train-42',
    poolId: 'train-42',
    atMs: NOW - 60_000,
    action: 'extend' as const,
    actor: 'slack:U42',
    reason: 'Extend clicked in Slack',
    dryRun: false,
    dedupeKey: 'slack#C1#1.0#pool.extend',
  };

  it('says it was done after all, until when, and who asked', () => {
    const reply = followUpReply({ ...decision, outcome: 'applied', endsAtMs: NOW + 3600_000 }, 'UTC', NOW);
    expect(reply).toMatchObject({ replaceOriginal: false, ephemeral: false });
    expect(reply.text).toContain('Done after all: the warm pool of `train-42` is extended until *');
    expect(reply.text).toContain('<@U42>');
  });

  it('says it was not done, and why, when SageMaker refused or the pool had gone', () => {
    const reply = followUpReply(
      { ...decision, action: 'stop', outcome: 'skipped', error: 'the pool is no longer Available (Reused)' },
      'UTC',
      NOW,
    );
    expect(reply.text).toMatch(
      /stop of the warm pool of `train-42`.*was not done: the pool is no longer Available \(Reused\)\. Nothing was changed\./,
    );
  });
});
