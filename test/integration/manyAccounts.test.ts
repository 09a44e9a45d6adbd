import { describe, expect, it } from 'vitest';
import { runLocal } from '../../devtools/local/runLocal';
import { parsePolicy } from '../../lib/policyFile/parsePolicy';
import { readTraceFile } from '../../lib/trace/readTraceFile';

const HOME = '123456789012/us-east-1';
const RESEARCH = '111122223333/us-east-1';
const RESEARCH_EU = '111122223333/eu-west-1';
const PRODUCTION = '444455556666/us-east-1';

/** Stops a pool idle for 20 minutes, so that every account's last pool gets an UpdateTrainingJob. */
const stopWhenIdle = () => {
  const parsed = parsePolicy(
    // The fixed strategy: the pools live until the idle limit, so each account's next job reuses its pool.
    'version: 1\ndefaults:\n  idle: { insideWorkingHours: 20m, outsideWorkingHours: 20m }\n  keepAlive: { strategy: fixed }\n',
    'stop-when-idle.yaml',
  );
  if (!parsed.ok) throw new Error('the test policy does not parse');
  return parsed.policy;
};

/**
 * One hub, several member accounts and regions, end to end on loopback: the same job
 * configuration submitted seconds apart in two accounts and two regions.
 */
describe('many accounts and regions in the local stack', () => {
  it('reuses pools only within their account and region, each acted on with its own credentials', async () => {
    const { report, sageMakerCalls, assumedRoles } = await runLocal({
      trace: await readTraceFile('examples/multi-account.jsonl'),
      policy: stopWhenIdle(),
    });
    expect(report.check).toEqual({ ledgerMatchesEmulator: true, mismatches: [] });
    const places = (j: { account: string; region: string }) => `${j.account}/${j.region}`;
    for (const place of [HOME, RESEARCH, RESEARCH_EU, PRODUCTION]) {
      const jobs = report.jobs.filter((j) => places(j) === place);
      expect(jobs.map((j) => [j.name, j.reusedPoolOf])).toEqual([
        ['finetune-1', null],
        ['finetune-2', 'finetune-1'],
        ['finetune-3', 'finetune-2'],
      ]);
      const pools = report.pools.filter((p) => places(p) === place);
      expect(pools.map((p) => [p.jobs, p.endedBy])).toEqual([
        [['finetune-1', 'finetune-2', 'finetune-3'], 'stopped'],
      ]);
    }
    // Each place's SageMaker saw its own describes and updates; none went to the wrong account.
    for (const place of [HOME, RESEARCH, RESEARCH_EU, PRODUCTION]) {
      expect(sageMakerCalls[place]?.DescribeTrainingJob ?? 0).toBeGreaterThan(0);
      expect(sageMakerCalls[place]?.UpdateTrainingJob ?? 0).toBe(1);
    }
    const roles = new Set(assumedRoles.filter((r) => r.granted).map((r) => r.roleArn));
    expect([...roles].sort()).toEqual([
      'arn:aws:iam::111122223333:role/poolwarden-spoke',
      'arn:aws:iam::444455556666:role/poolwarden-spoke',
    ]);
  });

  it('keeps warm pool quotas per account: each gets its pool when one pool fills a quota', async () => {
    const trace = (await readTraceFile('examples/multi-account.jsonl')).filter(
      (j) => j.name === 'finetune-1',
    );
    const { report } = await runLocal({ trace, quotas: { 'ml.g5.2xlarge': 2 } });
    expect(report.summary.keepAliveWithoutPool).toBe(0);
    expect(report.pools.map((p) => `${p.account}/${p.region}`).sort()).toEqual(
      [HOME, RESEARCH, RESEARCH_EU, PRODUCTION].sort(),
    );
    expect(report.check.ledgerMatchesEmulator).toBe(true);
  });

  it('reports an account whose spoke role is missing and goes on with the others', async () => {
    const { report, assumedRoles } = await runLocal({
      trace: await readTraceFile('examples/multi-account.jsonl'),
      accountsWithoutSpokeRole: ['444455556666'],
      policy: stopWhenIdle(),
    });
    expect(assumedRoles).toContainEqual({
      roleArn: 'arn:aws:iam::444455556666:role/poolwarden-spoke',
      granted: false,
    });
    // That account's events could not be completed and were dead-lettered; nothing else was.
    expect(report.delivery.deadLettered).toBeGreaterThan(0);
    // The ledger lacks that account's reuses (and their idle seconds in the total), nothing else.
    expect(report.check.mismatches.filter((m) => !m.startsWith('idle billable seconds'))).toEqual([
      expect.stringMatching(/^444455556666\/us-east-1\/finetune-2: ledger says it reused nothing/),
      expect.stringMatching(/^444455556666\/us-east-1\/finetune-3: ledger says it reused nothing/),
    ]);
    for (const place of [HOME, RESEARCH, RESEARCH_EU]) {
      const jobs = report.jobs.filter((j) => `${j.account}/${j.region}` === place);
      expect(jobs.map((j) => j.reusedPoolOf)).toEqual([null, 'finetune-1', 'finetune-2']);
    }
  });
});
