import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TEAM_WEEK_OPTIONS, TEAM_WEEK_PATH, teamWeekTrace } from '../../devtools/local/trace/exampleTraces';
import { latestEndMs } from '../../devtools/local/trace/jobFactory';
import { differences, matchKey } from '../../lib/domain/matchKey';
import { parseTrace } from '../../lib/trace/parseTrace';
import { readTraceFile } from '../../lib/trace/readTraceFile';
import { traceJobCriteria } from '../../lib/trace/traceCriteria';
import { formatTraceIssues } from '../../lib/trace/traceIssues';
import type { TraceJob } from '../../lib/trace/traceJob';

const example = (name: string): string => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));

describe('examples/team-week.jsonl', () => {
  it('is exactly what the generator makes from its seed (regenerate with writeExampleTrace.ts)', async () => {
    expect(await readFile(TEAM_WEEK_PATH, 'utf8')).toBe(teamWeekTrace());
  });

  it('is a valid trace of at least 200 jobs from Monday to Sunday', async () => {
    const jobs = await readTraceFile(TEAM_WEEK_PATH);
    expect(jobs.length).toBeGreaterThanOrEqual(200);
    const days = new Set(jobs.map((j) => new Date(j.submitAtMs).getUTCDay()));
    expect(days).toEqual(new Set([0, 1, 2, 3, 4, 5, 6]));
    expect(jobs[0]?.submitAt.slice(0, 10)).toBe(TEAM_WEEK_OPTIONS.start.slice(0, 10));
    expect(jobs[jobs.length - 1]?.submitAt.slice(0, 10)).toBe('2026-03-08');
  });
});

describe('examples/reuse-basic.jsonl', () => {
  const byName = async (): Promise<Map<string, TraceJob>> => {
    const jobs = await readTraceFile(example('reuse-basic.jsonl'));
    return new Map(jobs.map((j) => [j.name, j]));
  };
  const get = (jobs: Map<string, TraceJob>, name: string): TraceJob => {
    const job = jobs.get(name);
    if (!job) throw new Error(`no job ${name}`);
    return job;
  };
  const key = (job: TraceJob) => matchKey(traceJobCriteria(job));
  /** When the pool a job leaves is gone at the latest, whatever the start-up time. */
  const poolGoneMs = (job: TraceJob) =>
    latestEndMs(job.submitAtMs, job.durationSeconds) + job.keepAliveSeconds * 1000;

  it('tells the story: a cold start, a warm reuse, a near miss, an expiry', async () => {
    const jobs = await byName();
    const cold = get(jobs, 'alice-cold-start');
    const warm = get(jobs, 'alice-warm-reuse');
    const miss = get(jobs, 'alice-bigger-disk');
    const late = get(jobs, 'alice-after-expiry');
    expect(jobs.size).toBe(4);

    // The reuse arrives after the first job ended and before its keep-alive ran out.
    expect(key(warm)).toBe(key(cold));
    expect(warm.image).not.toBe(cold.image);
    expect(warm.submitAtMs).toBeGreaterThan(latestEndMs(cold.submitAtMs, cold.durationSeconds));
    expect(warm.submitAtMs).toBeLessThan(
      cold.submitAtMs + (cold.durationSeconds + cold.keepAliveSeconds) * 1000,
    );

    // The near miss arrives while the reused pool is available, and differs in one criterion.
    expect(miss.submitAtMs).toBeGreaterThan(latestEndMs(warm.submitAtMs, warm.durationSeconds));
    expect(miss.submitAtMs).toBeLessThan(
      warm.submitAtMs + (warm.durationSeconds + warm.keepAliveSeconds) * 1000,
    );
    expect(differences(traceJobCriteria(warm), traceJobCriteria(miss))).toEqual([
      { field: 'volumeSizeInGB', pool: '50', job: '100' },
    ]);

    // The last job matches, but comes after every pool has expired.
    expect(key(late)).toBe(key(cold));
    expect(late.submitAtMs).toBeGreaterThan(Math.max(poolGoneMs(cold), poolGoneMs(warm)));
  });
});

describe('examples/bad-trace.jsonl', () => {
  it('shows every kind of error at once', async () => {
    const result = parseTrace(await readFile(example('bad-trace.jsonl'), 'utf8'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const report = formatTraceIssues('bad-trace.jsonl', result.issues).split('\n');
    expect(report).toEqual([
      'bad-trace.jsonl:2: field "instanceCount": expected a positive integer, got "two"',
      'bad-trace.jsonl:4: invalid JSON: JSON Lines has no comments (blank lines are allowed)',
      'bad-trace.jsonl:5: field "submitAt": expected an ISO-8601 instant with a time zone, such as 2026-03-02T09:00:00Z, got "2026-03-02 10:00"',
      'bad-trace.jsonl:5: field "keepAlive": unknown field; did you mean "keepAliveSeconds"?',
      'bad-trace.jsonl:5: field "name": "ok-job" is already used on line 1',
      // The JSON parser's own words differ between Node versions.
      expect.stringMatching(/^bad-trace\.jsonl:6: invalid JSON: /),
      'bad-trace.jsonl:7: field "name": expected a training job name: 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit, got "bad_name!"',
      'bad-trace.jsonl:7: field "durationSeconds": expected a positive number of seconds, at most 2419200 (28 days), got -5',
      'bad-trace.jsonl:7: field "outcome": expected one of Completed, Failed, Stopped, got "Succeeded"',
      'bad-trace.jsonl:7: field "roleArn": missing; expected an IAM role ARN such as arn:aws:iam::123456789012:role/sagemaker-vision',
      'bad-trace.jsonl:7: field "instanceType": expected a SageMaker instance type such as ml.g5.xlarge, got "g5.xlarge"',
      'bad-trace.jsonl:7: field "tags.owner": expected a string of at most 256 characters, got 42',
      'bad-trace.jsonl:8: field "failureReason": allowed only when outcome is "Failed", and outcome is "Completed"',
    ]);
  });
});
