import { DescribeTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../lib/cli/exitCodes';
import { type OpsWorld, startOpsWorld, traceOf } from '../support/opsWorld';
import { runCli } from '../support/runCli';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

const trace = traceOf([
  { name: 'alice-first', submitAt: at(0), owner: 'alice', team: 'vision' },
  {
    name: 'carol-short',
    submitAt: at(0),
    durationSeconds: 300,
    keepAliveSeconds: 600,
    instanceType: 'ml.m5.xlarge',
    owner: 'carol',
    team: 'risk',
  },
  {
    name: 'bob-big',
    submitAt: at(5),
    instanceType: 'ml.g5.2xlarge',
    instanceCount: 2,
    owner: 'bob',
    team: 'nlp',
  },
  { name: 'alice-again', submitAt: at(20), durationSeconds: 300, owner: 'alice', team: 'vision' },
  {
    name: 'dave-no-quota',
    submitAt: at(1),
    instanceType: 'ml.p5.48xlarge',
    keepAliveSeconds: 600,
    owner: 'dave',
    team: 'nlp',
  },
]);

let world: OpsWorld;

beforeAll(async () => {
  world = await startOpsWorld(trace, { startMs: T0, quotas: { 'ml.p5.48xlarge': 0 } });
  // By 09:40 alice's pool was reused and is Available again, bob's is Available, carol's has ended.
  await world.advanceTo(T0 + 40 * 60_000);
});

afterAll(async () => {
  await world?.stop();
});

const local = ['--local'];

describe('poolwarden pools against the local stack', () => {
  it('lists the Available pools, what they cost per hour and have cost idle so far', async () => {
    const run = await runCli(['pools', 'list', ...local, '--json']);
    expect(run.code).toBe(EXIT.ok);
    const pools = JSON.parse(run.out) as Array<Record<string, unknown>>;
    expect(pools.map((p) => p.poolId).sort()).toEqual(['alice-first', 'bob-big']);
    const alice = pools.find((p) => p.poolId === 'alice-first');
    expect(alice).toMatchObject({
      headJob: 'alice-again',
      status: 'Available',
      reuseCount: 1,
      team: 'vision',
    });
    const bob = pools.find((p) => p.poolId === 'bob-big');
    // 2 x ml.g5.2xlarge at the built-in price.
    expect(bob?.hourlyUsd).toBeCloseTo(2 * 1.515, 5);
    expect(bob?.idleSecondsSoFar).toBeGreaterThan(0);
    expect(bob?.idleCostUsd).toBeGreaterThan(0);

    const table = await runCli(['pools', 'list', ...local, '--team', 'vision']);
    expect(table.code).toBe(EXIT.ok);
    expect(table.out).toContain('alice-again');
    expect(table.out).not.toContain('bob-big');
    expect(table.out).toContain('1 pools (1 available');

    const byOwner = await runCli(['pools', 'list', ...local, '--owner', 'bob', '--json']);
    expect((JSON.parse(byOwner.out) as unknown[]).length).toBe(1);
  });

  it('lists ended pools from the history', async () => {
    const run = await runCli([
      'pools',
      'list',
      ...local,
      '--status',
      'terminated',
      '--since',
      '1d',
      '--json',
    ]);
    expect(run.code).toBe(EXIT.ok);
    const pools = JSON.parse(run.out) as Array<Record<string, unknown>>;
    expect(pools.map((p) => p.poolId)).toEqual(['carol-short']);
  });

  it('shows a pool: its chain of jobs, the reuse, the idle gap, decisions and notices', async () => {
    const run = await runCli(['pools', 'show', 'alice-first', ...local]);
    expect(run.code).toBe(EXIT.ok);
    expect(run.out).toContain('pool alice-first: Available');
    expect(run.out).toContain('reused the pool left by alice-first');
    expect(run.out).toMatch(/idle gap .* until alice-again took the pool/);
    expect(run.out).toContain('notice');
    const json = JSON.parse((await runCli(['pools', 'show', 'alice-again', ...local, '--json'])).out) as {
      pool: { poolId: string; jobs: string[] };
    };
    expect(json.pool).toMatchObject({ poolId: 'alice-first', jobs: ['alice-first', 'alice-again'] });
  });

  it('explains a job without a pool, and a name it does not know', async () => {
    const quota = await runCli(['pools', 'show', 'dave-no-quota', ...local]);
    expect(quota.out).toMatch(/no pool: .*quota/);
    const missing = await runCli(['pools', 'show', 'nobody', ...local]);
    expect(missing.code).toBe(EXIT.notFound);
    expect(missing.err).toContain('no job or pool named "nobody"');
  });

  it('extends a pool, records the operator as the actor, and SageMaker has the new keep-alive', async () => {
    const run = await runCli(['pools', 'extend', 'alice-first', '--by', '30m', '--yes', ...local]);
    expect(run.code).toBe(EXIT.ok);
    expect(run.out).toMatch(/^extended {4}alice-again \(pool alice-first\)/);
    const sagemaker = new SageMakerClient({});
    const described = await sagemaker.send(
      new DescribeTrainingJobCommand({ TrainingJobName: 'alice-again' }),
    );
    sagemaker.destroy();
    expect(described.WarmPoolStatus?.Status).toBe('Available');
    expect(described.ResourceConfig?.KeepAlivePeriodInSeconds).toBeGreaterThan(1800);
    const show = await runCli(['pools', 'show', 'alice-again', ...local]);
    expect(show.out).toMatch(/extend applied by operator:tester/);
  });

  it('stops nothing on a dry run, and asks before stopping for real', async () => {
    const dry = await runCli(['pools', 'stop', '--all', '--team', 'nlp', '--dry-run', ...local]);
    expect(dry.code).toBe(EXIT.ok);
    expect(dry.out).toContain('dry run     bob-big');
    expect(dry.out).toContain('0 stopped, 1 dry run');

    const noTerminal = await runCli(['pools', 'stop', '--all', ...local]);
    expect(noTerminal.code).toBe(EXIT.aborted);
    expect(noTerminal.err).toContain('pass --yes');
    const declined = await runCli(['pools', 'stop', '--all', ...local], { answer: false });
    expect(declined.code).toBe(EXIT.aborted);
    const still = JSON.parse((await runCli(['pools', 'list', ...local, '--json'])).out) as unknown[];
    expect(still.length).toBe(2);
  });

  it('refuses what makes no sense', async () => {
    expect((await runCli(['pools', 'stop', ...local])).code).toBe(EXIT.usage);
    expect((await runCli(['pools', 'stop', 'bob-big', '--team', 'nlp', ...local])).code).toBe(EXIT.usage);
    const ended = await runCli(['pools', 'stop', 'carol-short', '--yes', ...local]);
    expect(ended.code).toBe(EXIT.notAvailable);
    expect(ended.err).toContain('already ended');
    expect((await runCli(['pools', 'extend', 'bob-big', ...local])).code).toBe(EXIT.usage);
  });

  it('stops every Available pool of a cost incident once confirmed', async () => {
    const run = await runCli(['pools', 'stop', '--all', ...local], { answer: true });
    expect(run.code).toBe(EXIT.ok);
    expect(run.out).toContain('2 stopped, 0 dry run, 0 skipped');
    const after = await runCli(['pools', 'list', ...local]);
    expect(after.out).toContain('no pools match');
    const stopping = await runCli(['pools', 'list', ...local, '--include-stopping']);
    expect(stopping.out).toContain('2 stopping');
    const again = await runCli(['pools', 'stop', '--all', '--yes', ...local]);
    expect(again.out).toContain('nothing to stop');
    // The next sweep sees them end.
    await world.advanceTo(T0 + 43 * 60_000);
    const ended = await runCli(['pools', 'list', ...local, '--include-stopping']);
    expect(ended.out).toContain('no pools match');
    const show = await runCli(['pools', 'show', 'bob-big', ...local]);
    expect(show.out).toContain('stopped by operator:tester');
  });

  it('gives help on every command', async () => {
    for (const argv of [
      ['--help'],
      ['pools', '--help'],
      ['pools', 'list', '--help'],
      ['pools', 'stop', '--help'],
    ]) {
      const run = await runCli(argv);
      expect(run.code).toBe(EXIT.ok);
      expect(run.out).toContain('Usage:');
    }
  });

  it('says clearly when the table is missing or the local stack is not there', async () => {
    const table = await runCli(['pools', 'list', ...local, '--table', 'no-such-table']);
    expect(table.code).toBe(EXIT.tableNotFound);
    expect(table.err).toContain('"no-such-table" was not found');
    const saved = process.env.AWS_ENDPOINT_URL_SAGEMAKER;
    process.env.AWS_ENDPOINT_URL_SAGEMAKER = 'http://127.0.0.1:9';
    try {
      const down = await runCli(['pools', 'list', ...local]);
      expect(down.code).toBe(EXIT.unreachable);
      expect(down.err).toContain('cannot reach the local stack');
    } finally {
      process.env.AWS_ENDPOINT_URL_SAGEMAKER = saved;
    }
  });
});
