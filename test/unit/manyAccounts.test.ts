import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { MemoryDecisionLog } from '../../lib/adapters/memory/memoryDecisionLog';
import { MemoryLedger } from '../../lib/adapters/memory/memoryLedger';
import { MemoryUsageStats } from '../../lib/adapters/memory/memoryUsageStats';
import { readPriceFile } from '../../lib/adapters/prices/readPriceFile';
import { LocatedTrainingJobs } from '../../lib/adapters/sagemaker/locatedTrainingJobs';
import { SnsEmailChannel } from '../../lib/adapters/sns/snsEmailChannel';
import { ContainerLearnerMemo } from '../../lib/app/containerLearnerMemo';
import { type ProcessDeps, processJobStateChange } from '../../lib/app/processJobStateChange';
import { sweepAccounts } from '../../lib/app/sweepAccounts';
import { type JobLocation, jobRef, locationLabel, parseJobRef } from '../../lib/domain/jobLocation';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../lib/domain/keepAlive';
import { matchKey } from '../../lib/domain/matchKey';
import { DEFAULT_OWNER_TAG_KEYS } from '../../lib/domain/owner';
import { DEFAULT_POLICY } from '../../lib/domain/policy/defaultPolicy';
import { selectRule } from '../../lib/domain/policy/ruleSelection';
import { DEFAULT_PRICES, hourlyPrice, regionalPriceKey } from '../../lib/domain/prices';
import { parseJobStateChange } from '../../lib/events/jobStateChange';
import { jobContext, releaseCommand } from '../../lib/notify/messages/jobLines';
import { formatPolicyErrors, parsePolicy } from '../../lib/policyFile/parsePolicy';
import type { TrainingJobDescription, TrainingJobs } from '../../lib/ports/trainingJobs';
import { parseTrace } from '../../lib/trace/parseTrace';
import { jobEvent, T0 } from '../support/jobEvents';
import { SAMPLE_CRITERIA, sampleSnapshot } from '../support/sampleCriteria';

const HOME: JobLocation = { account: '123456789012', region: 'us-east-1' };
const RESEARCH: JobLocation = { account: '111122223333', region: 'us-east-1' };
const RESEARCH_EU: JobLocation = { account: '111122223333', region: 'eu-west-1' };
const PLACES = [HOME, RESEARCH, RESEARCH_EU];
const quiet = { info: () => {}, warn: () => {}, error: () => {}, count: () => {} };

describe('job references', () => {
  it('keep the bare name at home and qualify it elsewhere, both ways', () => {
    expect(jobRef('train-a', HOME, HOME)).toBe('train-a');
    expect(jobRef('train-a', RESEARCH_EU, HOME)).toBe('111122223333/eu-west-1/train-a');
    expect(parseJobRef('111122223333/eu-west-1/train-a', HOME)).toEqual({
      name: 'train-a',
      location: RESEARCH_EU,
    });
    expect(parseJobRef('train-a', HOME)).toEqual({ name: 'train-a', location: HOME });
  });

  it('never give one match key to two accounts or two regions', () => {
    const keys = new Set([
      matchKey(SAMPLE_CRITERIA),
      matchKey(SAMPLE_CRITERIA, RESEARCH),
      matchKey(SAMPLE_CRITERIA, RESEARCH_EU),
    ]);
    expect(keys.size).toBe(3);
  });
});

describe('reading where an event comes from', () => {
  it('names a job of another account or region by its reference, with its location in the key', () => {
    const parsed = parseJobStateChange(
      jobEvent({ account: RESEARCH_EU.account, region: RESEARCH_EU.region }),
      DEFAULT_OWNER_TAG_KEYS,
      3600,
      HOME,
    );
    if (!parsed.ok) throw new Error(parsed.rejection.message);
    expect(parsed.snapshot.name).toBe('111122223333/eu-west-1/train-a');
    expect(parsed.snapshot.location).toEqual(RESEARCH_EU);
    expect(parsed.snapshot.matchKey).toBe(matchKey(parsed.snapshot.criteria, RESEARCH_EU));
  });

  it('keeps the home account and region as they were', () => {
    const parsed = parseJobStateChange(jobEvent(), DEFAULT_OWNER_TAG_KEYS, 3600, HOME);
    if (!parsed.ok) throw new Error(parsed.rejection.message);
    expect(parsed.snapshot.name).toBe('train-a');
    expect(parsed.snapshot.matchKey).toBe(matchKey(parsed.snapshot.criteria));
  });

  it('refuses an envelope whose account is not the one in the job ARN', () => {
    const event = { ...jobEvent({ account: RESEARCH.account }), account: '999999999999' };
    const parsed = parseJobStateChange(event, DEFAULT_OWNER_TAG_KEYS, 3600, HOME);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.rejection.field).toBe('account');
  });
});

/** SageMaker per account and region: each keeps its own jobs and records who called it. */
const fakeSageMakers = (unreachable: readonly string[] = []) => {
  const calls: string[] = [];
  const available = new Set<string>();
  const jobsIn = (location: JobLocation): TrainingJobs => ({
    describe: async (name): Promise<TrainingJobDescription> => {
      if (unreachable.includes(location.account)) throw new Error('AccessDenied: no spoke role');
      calls.push(`describe ${locationLabel(location)} ${name}`);
      return {
        name,
        status: 'Completed',
        instanceType: 'ml.g5.xlarge',
        endedAtMs: T0 + 600_000,
        keepAliveSeconds: 1800,
        warmPool: {
          status: available.has(`${locationLabel(location)}/${name}`) ? 'Available' : 'Terminated',
        },
      };
    },
    setKeepAlive: async (name, seconds) => {
      calls.push(`update ${locationLabel(location)} ${name} ${seconds}`);
    },
  });
  return { calls, available, jobs: new LocatedTrainingJobs(HOME, jobsIn(HOME), jobsIn) };
};

const processDeps = (ledger: MemoryLedger, trainingJobs: TrainingJobs): ProcessDeps => ({
  ledger,
  trainingJobs,
  clock: { now: () => T0 + 601_000 },
  limits: DEFAULT_KEEP_ALIVE_LIMITS,
  describeConcurrency: 2,
  tagKeys: DEFAULT_OWNER_TAG_KEYS,
  home: HOME,
  telemetry: quiet,
  reactors: [],
});

describe('two accounts and two regions with the same job', () => {
  it('records one pool per account and region, each described with its own client', async () => {
    const ledger = new MemoryLedger();
    const sageMakers = fakeSageMakers();
    for (const place of PLACES) sageMakers.available.add(`${locationLabel(place)}/train-a`);
    for (const place of PLACES)
      await processJobStateChange(
        jobEvent({ account: place.account, region: place.region }),
        processDeps(ledger, sageMakers.jobs),
      );
    const pools = (await ledger.availablePools(10)).items.map((p) => p.name).sort();
    expect(pools).toEqual(['111122223333/eu-west-1/train-a', '111122223333/us-east-1/train-a', 'train-a']);
    expect(sageMakers.calls.sort()).toEqual([
      'describe 111122223333/eu-west-1 train-a',
      'describe 111122223333/us-east-1 train-a',
      'describe 123456789012/us-east-1 train-a',
    ]);
  });

  it('never takes a pool of another account for a starting job', async () => {
    const ledger = new MemoryLedger();
    const sageMakers = fakeSageMakers();
    sageMakers.available.add(`${locationLabel(HOME)}/train-a`);
    await processJobStateChange(jobEvent(), processDeps(ledger, sageMakers.jobs));
    sageMakers.calls.length = 0;
    const started = await processJobStateChange(
      jobEvent({
        name: 'train-b',
        status: 'InProgress',
        account: RESEARCH.account,
        createdAtMs: T0 + 700_000,
      }),
      processDeps(ledger, sageMakers.jobs),
    );
    expect(started.kind).toBe('applied');
    if (started.kind === 'applied') expect(started.facts.map((f) => f.kind)).not.toContain('pool-reused');
    // The home pool is not even a candidate: nothing was described.
    expect(sageMakers.calls).toEqual([]);
  });
});

describe('the sweep over several accounts', () => {
  it('skips and reports an account whose spoke role is missing, and sweeps the others', async () => {
    const ledger = new MemoryLedger();
    const sageMakers = fakeSageMakers();
    for (const place of PLACES) sageMakers.available.add(`${locationLabel(place)}/train-a`);
    for (const place of PLACES)
      await processJobStateChange(
        jobEvent({ account: place.account, region: place.region }),
        processDeps(ledger, sageMakers.jobs),
      );
    sageMakers.calls.length = 0;
    const report = await sweepAccounts({
      ledger,
      trainingJobs: sageMakers.jobs,
      decisions: new MemoryDecisionLog(),
      clock: { now: () => T0 + 3 * 3600_000 },
      limits: DEFAULT_KEEP_ALIVE_LIMITS,
      setup: {
        policy: DEFAULT_POLICY,
        limits: DEFAULT_KEEP_ALIVE_LIMITS,
        killSwitch: false,
        prices: DEFAULT_PRICES,
      },
      stats: new MemoryUsageStats(),
      learnerMemo: new ContainerLearnerMemo(),
      telemetry: quiet,
      reactors: [],
      pageSize: 100,
      concurrency: 2,
      reconcileEveryMs: 15 * 60_000,
      scheduleEveryMs: 60_000,
      lookAheadMs: 5 * 60_000,
      remainingMs: () => 60_000,
      safetyMarginMs: 5_000,
      home: HOME,
      access: {
        check: async (location) => {
          if (location.account === RESEARCH.account && location.region === RESEARCH.region)
            throw new Error('AccessDenied: poolwarden-spoke does not exist');
        },
      },
    });
    expect(report.availablePools).toBe(3);
    expect(report.unreachable).toEqual([
      { ...RESEARCH, availablePools: 1, error: 'AccessDenied: poolwarden-spoke does not exist' },
    ]);
    const described = sageMakers.calls.filter((c) => c.startsWith('describe')).sort();
    expect(described).toEqual([
      'describe 111122223333/eu-west-1 train-a',
      'describe 123456789012/us-east-1 train-a',
    ]);
  });
});

describe('trace lines with an account and a region', () => {
  const line = (extra: Record<string, unknown>) =>
    JSON.stringify({
      name: 'finetune-1',
      submitAt: '2026-03-02T09:00:00Z',
      durationSeconds: 600,
      outcome: 'Completed',
      roleArn: 'arn:aws:iam::111122223333:role/training',
      instanceType: 'ml.g5.xlarge',
      instanceCount: 1,
      volumeSizeInGB: 30,
      ...extra,
    });

  it('allow one name in two accounts or regions, not twice in one', () => {
    const ok = parseTrace(
      [
        line({}),
        line({ account: '111122223333' }),
        line({ account: '111122223333', region: 'eu-west-1' }),
      ].join('\n'),
    );
    expect(ok.ok).toBe(true);
    if (ok.ok)
      expect(ok.jobs.map((j) => j.account ?? 'home')).toEqual(['home', '111122223333', '111122223333']);
    const twice = parseTrace(
      [line({ account: '111122223333' }), line({ account: '111122223333' })].join('\n'),
    );
    expect(twice.ok).toBe(false);
  });

  it('name a bad account or region with what was expected', () => {
    const bad = parseTrace(line({ account: '1234', region: 'Mars' }));
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.issues.map((i) => `${i.field}: ${i.message}`)).toEqual([
        'account: expected a 12-digit AWS account id such as 111122223333, got "1234"',
        'region: expected an AWS region such as eu-west-1, got "Mars"',
      ]);
  });
});

describe('policy rules by account and region', () => {
  const parsed = parsePolicy(
    [
      'version: 1',
      'rules:',
      '  - name: research-europe',
      '    match: { accounts: ["111122223333"], regions: [eu-west-1] }',
      '    idle: { insideWorkingHours: 5m }',
    ].join('\n'),
    'policy.yaml',
  );
  if (!parsed.ok) throw new Error(formatPolicyErrors(parsed.errors));
  const { policy } = parsed;

  it('match a pool only in the listed account and region', () => {
    expect(selectRule(policy, { tags: {}, location: RESEARCH_EU })).toMatchObject({
      name: 'research-europe',
      matchedBy: 'account 111122223333, region eu-west-1',
    });
    expect(selectRule(policy, { tags: {}, location: RESEARCH }).name).toBe('defaults');
    expect(selectRule(policy, { tags: {} }).name).toBe('defaults');
  });

  it('refuse an account id that is not one, naming where', () => {
    const bad = parsePolicy('version: 1\nrules:\n  - name: x\n    match: { accounts: ["1234"] }\n', 'p.yaml');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(formatPolicyErrors(bad.errors)).toMatch(/rules\[0\]\.match\.accounts\[0\].*12-digit/);
  });
});

describe('prices per region', () => {
  const prices = { ...DEFAULT_PRICES, [regionalPriceKey('eu-west-1', 'ml.g5.xlarge')]: 1.58 };

  it("take the region's own price, else the us-east-1 list price", () => {
    expect(hourlyPrice(prices, 'ml.g5.xlarge', 'eu-west-1')).toBe(1.58);
    expect(hourlyPrice(prices, 'ml.g5.xlarge', 'ap-south-1')).toBe(DEFAULT_PRICES['ml.g5.xlarge']);
    expect(hourlyPrice(prices, 'ml.g5.xlarge')).toBe(DEFAULT_PRICES['ml.g5.xlarge']);
  });

  it('are read from a price file keyed by region/instance type, and a bad key is named', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'poolwarden-prices-'));
    try {
      const good = join(dir, 'good.json');
      await writeFile(good, JSON.stringify({ 'eu-west-1/ml.g5.xlarge': 1.58 }));
      expect(hourlyPrice(await readPriceFile(good), 'ml.g5.xlarge', 'eu-west-1')).toBe(1.58);
      const bad = join(dir, 'bad.json');
      await writeFile(bad, JSON.stringify({ 'Europe/ml.g5.xlarge': 1.58 }));
      await expect(readPriceFile(bad)).rejects.toThrow(/bad\.json: Europe\/ml\.g5\.xlarge: /);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('notices about a pool of another account', () => {
  it('say which account and region, and give the bare name to the console and the CLI', () => {
    const job = sampleSnapshot('111122223333/eu-west-1/train-a', T0, {
      arn: 'arn:aws:sagemaker:eu-west-1:111122223333:training-job/train-a',
    });
    const bob = { owner: 'bob', timeZone: 'UTC', unowned: false };
    const lines = jobContext(job, bob);
    expect(lines).toContain('Account 111122223333 · eu-west-1');
    expect(lines.join('\n')).toContain('region=eu-west-1#/jobs/train-a');
    expect(releaseCommand(job.name)).toBe(
      'Release it now: aws sagemaker update-training-job --training-job-name train-a --resource-config KeepAlivePeriodInSeconds=0 --region eu-west-1 (in account 111122223333)',
    );
    expect(jobContext(sampleSnapshot('train-a', T0), bob).join('\n')).not.toContain('Account');
  });
});

describe('email about a pool of another account', () => {
  it('carries account and region attributes that subscriptions can filter on', () => {
    const channel = new SnsEmailChannel(new SNSClient({ region: 'us-east-1' }), {
      topicArn: 'arn:aws:sns:us-east-1:123456789012:t',
      defaultOwner: 'unowned',
      attemptTimeoutMs: 4_000,
    });
    const message = {
      kind: 'pool-available' as const,
      job: '111122223333/eu-west-1/train-a',
      text: 'pool available',
      blocks: [],
      email: { subject: 'pool available', body: 'pool available' },
    };
    const envelope = channel.address(message, { owner: 'bob', timeZone: 'UTC', unowned: false });
    expect(envelope.attributes).toMatchObject({ account: '111122223333', region: 'eu-west-1' });
    expect(
      channel.address({ ...message, job: 'train-a' }, { owner: 'bob', timeZone: 'UTC', unowned: false })
        .attributes,
    ).not.toHaveProperty('account');
  });
});
