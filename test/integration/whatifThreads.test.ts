import { describe, expect, it } from 'vitest';
import { generateTrace } from '../../devtools/local/trace/generateTrace';
import { NO_WARM_POOL_QUOTA_TYPES } from '../../devtools/local/trace/teams';
import { runWhatif, whatifJobs } from '../../devtools/sim/whatif';
import { runWhatifInThreads, WhatifWorkers } from '../../devtools/sim/whatifThreads';
import { DEFAULT_PRICES } from '../../lib/domain/prices';
import { readPolicyFile } from '../../lib/policyFile/readPolicyFile';
import { parseTrace } from '../../lib/trace/parseTrace';
import { serializeTrace } from '../../lib/trace/serializeTrace';

/** Rows computed on worker threads are the rows computed one after the other, in the same order. */
describe('whatif on worker threads', () => {
  it('gives the table of the sequential replay, row for row', async () => {
    const trace = generateTrace({
      seed: 11,
      start: '2026-02-02T00:00:00Z',
      days: 3,
      scale: 1,
      workload: 'mixed',
    });
    const policy = await readPolicyFile('examples/policy.yaml');
    const options = {
      prices: DEFAULT_PRICES,
      waitingValuePerHourUsd: 90,
      noQuotaTypes: NO_WARM_POOL_QUOTA_TYPES,
    };
    const jobs = whatifJobs(trace, options);
    const policies = [{ label: 'example', policy }];
    const inThreads = await runWhatifInThreads(jobs, policies, options, { threads: 2 });
    const sequential = runWhatif(jobs, policies, options);
    expect(jobs.length).toBeGreaterThan(100);
    expect(inThreads.rows).toEqual(sequential.rows);
    expect({ ...inThreads, seconds: 0 }).toEqual({ ...sequential, seconds: 0 });
  }, 60_000);
});

/** The trace parsed in two halves at once (this thread and a worker) is the trace parsed whole. */
describe('a trace parsed in two halves', () => {
  const trace = generateTrace({
    seed: 12,
    start: '2026-02-02T00:00:00Z',
    days: 2,
    scale: 1,
    workload: 'mixed',
  });
  // Jobs submitted at one instant on both sides of the cut: the whole parse keeps them in file order.
  const at = trace[0]?.submitAtMs ?? 0;
  const tied = trace.map((job, i) => (i % 7 === 0 ? { ...job, submitAtMs: at } : job));
  const text = serializeTrace(tied).replace(/\n/g, '\r\n');

  it('gives the jobs of the whole parse, in its order; and nothing where the halves cannot tell', async () => {
    const workers = new WhatifWorkers(2);
    try {
      const whole = parseTrace(text);
      expect(whole.ok).toBe(true);
      expect(await workers.parseInTwo(text)).toEqual(whole.ok ? whole.jobs : undefined);
      const lines = text.split('\r\n');
      const late = Math.floor(lines.length * 0.8);
      const broken = lines.map((line, i) => (i === late ? '{"name": 5}' : line)).join('\n');
      expect(await workers.parseInTwo(broken)).toBeUndefined();
      const first = JSON.parse(lines[0] ?? '{}') as { name: string };
      const renamed = lines.map((line, i) =>
        i === late ? line.replace(/"name":"[^"]*"/, `"name":"${first.name}"`) : line,
      );
      expect(parseTrace(renamed.join('\n')).ok).toBe(false);
      expect(await workers.parseInTwo(renamed.join('\n'))).toBeUndefined();
    } finally {
      await workers.close();
    }
  }, 60_000);
});
