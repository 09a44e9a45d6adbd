import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrace, parseTraceOrThrow } from '../../lib/trace/parseTrace';
import { readTraceFile } from '../../lib/trace/readTraceFile';
import { formatTraceIssues, type TraceIssue, TraceParseError } from '../../lib/trace/traceIssues';
import type { TraceJob } from '../../lib/trace/traceJob';

const ROLE = 'arn:aws:iam::123456789012:role/sagemaker-vision';

/** The required fields only: every optional one left to its default. */
const minimal = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'train-1',
  submitAt: '2026-03-02T09:00:00Z',
  durationSeconds: 600,
  outcome: 'Completed',
  roleArn: ROLE,
  instanceType: 'ml.g5.xlarge',
  instanceCount: 1,
  volumeSizeInGB: 50,
  ...overrides,
});

const lines = (...values: readonly unknown[]): string =>
  values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('\n');

const jobsOf = (text: string): readonly TraceJob[] => {
  const result = parseTrace(text);
  if (!result.ok) throw new Error(formatTraceIssues('test', result.issues));
  return result.jobs;
};

const issuesOf = (text: string): readonly TraceIssue[] => {
  const result = parseTrace(text);
  if (result.ok) throw new Error('expected the trace to be rejected');
  return result.issues;
};

/** The formatted report of a one-job trace whose only line is `value`. */
const reportOf = (value: unknown): string => formatTraceIssues('t.jsonl', issuesOf(lines(value)));

describe('parseTrace: valid lines', () => {
  it('maps every field of the format', () => {
    const [job] = jobsOf(
      lines({
        ...minimal(),
        submitAt: '2026-03-02T10:00:00.250+01:00',
        outcome: 'Failed',
        failureReason: 'AlgorithmError: KeyError',
        instanceType: 'ml.p4d.24xlarge',
        instanceCount: 2,
        keepAliveSeconds: 1800,
        tags: { owner: 'alice', team: 'vision' },
        vpc: { securityGroupIds: ['sg-1'], subnets: ['subnet-1', 'subnet-2'] },
        volumeKmsKeyId: 'alias/training',
        enableNetworkIsolation: true,
        enableInterContainerTrafficEncryption: true,
        image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/vision:dev-1',
      }),
    );
    expect(job).toStrictEqual({
      name: 'train-1',
      submitAt: '2026-03-02T09:00:00.250Z',
      submitAtMs: Date.UTC(2026, 2, 2, 9, 0, 0, 250),
      durationSeconds: 600,
      outcome: 'Failed',
      failureReason: 'AlgorithmError: KeyError',
      roleArn: ROLE,
      instanceType: 'ml.p4d.24xlarge',
      instanceCount: 2,
      volumeSizeInGB: 50,
      keepAliveSeconds: 1800,
      tags: { owner: 'alice', team: 'vision' },
      vpc: { securityGroupIds: ['sg-1'], subnets: ['subnet-1', 'subnet-2'] },
      volumeKmsKeyId: 'alias/training',
      enableNetworkIsolation: true,
      enableInterContainerTrafficEncryption: true,
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/vision:dev-1',
    });
  });

  it('fills the defaults: no VPC, no KMS key, false flags, keep-alive 0, no tags', () => {
    expect(jobsOf(lines(minimal()))[0]).toStrictEqual({
      name: 'train-1',
      submitAt: '2026-03-02T09:00:00.000Z',
      submitAtMs: Date.UTC(2026, 2, 2, 9),
      durationSeconds: 600,
      outcome: 'Completed',
      roleArn: ROLE,
      instanceType: 'ml.g5.xlarge',
      instanceCount: 1,
      volumeSizeInGB: 50,
      keepAliveSeconds: 0,
      tags: {},
      vpc: { securityGroupIds: [], subnets: [] },
      volumeKmsKeyId: null,
      enableNetworkIsolation: false,
      enableInterContainerTrafficEncryption: false,
    });
  });

  it('reads null in an optional field as its default', () => {
    const nulls = Object.fromEntries(
      [
        'failureReason',
        'keepAliveSeconds',
        'tags',
        'vpc',
        'volumeKmsKeyId',
        'enableNetworkIsolation',
        'enableInterContainerTrafficEncryption',
        'image',
      ].map((field) => [field, null]),
    );
    expect(jobsOf(lines(minimal(nulls)))).toStrictEqual(jobsOf(lines(minimal())));
  });

  it('fills a partial VPC', () => {
    expect(jobsOf(lines(minimal({ vpc: { subnets: ['subnet-1'] } })))[0]?.vpc).toEqual({
      securityGroupIds: [],
      subnets: ['subnet-1'],
    });
  });

  it('returns jobs in submission order, keeping file order for equal instants', () => {
    const jobs = jobsOf(
      lines(
        minimal({ name: 'c', submitAt: '2026-03-02T11:00:00Z' }),
        minimal({ name: 'a', submitAt: '2026-03-02T09:00:00Z' }),
        minimal({ name: 'b2', submitAt: '2026-03-02T10:00:00Z' }),
        minimal({ name: 'b1', submitAt: '2026-03-02T11:00:00+01:00' }),
      ),
    );
    expect(jobs.map((j) => j.name)).toEqual(['a', 'b2', 'b1', 'c']);
  });

  it('allows blank lines, CRLF line ends and a byte-order mark', () => {
    const text = `\uFEFF${JSON.stringify(minimal({ name: 'a' }))}\r\n\r\n   \r\n${JSON.stringify(minimal({ name: 'b' }))}\r\n`;
    expect(jobsOf(text).map((j) => j.name)).toEqual(['a', 'b']);
  });

  it("accepts SageMaker's job-name rule at its limits", () => {
    const longest = `a${'b'.repeat(62)}`;
    expect(jobsOf(lines(minimal({ name: longest })))[0]?.name).toBe(longest);
    expect(jobsOf(lines(minimal({ name: 'a--b' })))[0]?.name).toBe('a--b');
  });
});

describe('parseTrace: invalid lines', () => {
  it.each<[string, Record<string, unknown>, string]>([
    [
      'a count given in words',
      minimal({ instanceCount: 'two' }),
      't.jsonl:1: field "instanceCount": expected a positive integer, got "two"',
    ],
    [
      'a missing field',
      { ...minimal(), roleArn: undefined },
      't.jsonl:1: field "roleArn": missing; expected an IAM role ARN such as arn:aws:iam::123456789012:role/sagemaker-vision',
    ],
    [
      'a name SageMaker refuses',
      minimal({ name: 'my_job' }),
      't.jsonl:1: field "name": expected a training job name: 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit, got "my_job"',
    ],
    [
      'a name of 64 characters',
      minimal({ name: 'a'.repeat(64) }),
      `t.jsonl:1: field "name": expected a training job name: 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit, got "${'a'.repeat(56)}...`,
    ],
    [
      'a date without a time zone',
      minimal({ submitAt: '2026-03-02T09:00:00' }),
      't.jsonl:1: field "submitAt": expected an ISO-8601 instant with a time zone, such as 2026-03-02T09:00:00Z, got "2026-03-02T09:00:00"',
    ],
    [
      'a day that does not exist',
      minimal({ submitAt: '2026-02-30T09:00:00Z' }),
      't.jsonl:1: field "submitAt": expected an ISO-8601 instant with a time zone, such as 2026-03-02T09:00:00Z, got "2026-02-30T09:00:00Z"',
    ],
    [
      'a negative duration',
      minimal({ durationSeconds: -1 }),
      't.jsonl:1: field "durationSeconds": expected a positive number of seconds, at most 2419200 (28 days), got -1',
    ],
    [
      'an unknown outcome',
      minimal({ outcome: 'Succeeded' }),
      't.jsonl:1: field "outcome": expected one of Completed, Failed, Stopped, got "Succeeded"',
    ],
    [
      'an instance type without its ml. prefix',
      minimal({ instanceType: 'g5.xlarge' }),
      't.jsonl:1: field "instanceType": expected a SageMaker instance type such as ml.g5.xlarge, got "g5.xlarge"',
    ],
    [
      'a keep-alive beyond the largest SageMaker accepts',
      minimal({ keepAliveSeconds: 21_601 }),
      't.jsonl:1: field "keepAliveSeconds": expected a whole number of seconds from 0 to 21600, got 21601',
    ],
    [
      'a fractional keep-alive',
      minimal({ keepAliveSeconds: 1.5 }),
      't.jsonl:1: field "keepAliveSeconds": expected a whole number of seconds from 0 to 21600, got 1.5',
    ],
    [
      'a tag value that is not a string',
      minimal({ tags: { owner: 42 } }),
      't.jsonl:1: field "tags.owner": expected a string of at most 256 characters, got 42',
    ],
    [
      'an empty tag key',
      minimal({ tags: { '': 'x' } }),
      't.jsonl:1: field "tags[""]": expected a tag key of 1 to 128 characters, got ""',
    ],
    [
      'a subnet that is not a string',
      minimal({ vpc: { securityGroupIds: ['sg-1'], subnets: ['subnet-1', 7] } }),
      't.jsonl:1: field "vpc.subnets[1]": expected a subnet id such as subnet-0123abcd, got 7',
    ],
    [
      'a flag given as a string',
      minimal({ enableNetworkIsolation: 'yes' }),
      't.jsonl:1: field "enableNetworkIsolation": expected true or false, got "yes"',
    ],
    [
      'a misspelt field',
      minimal({ keepAlive: 600 }),
      't.jsonl:1: field "keepAlive": unknown field; did you mean "keepAliveSeconds"?',
    ],
    [
      'a misspelt VPC field',
      minimal({ vpc: { subnet: ['subnet-1'] } }),
      't.jsonl:1: field "vpc.subnet": unknown field; did you mean "subnets"?',
    ],
    ['an unrelated unknown field', minimal({ priority: 3 }), 't.jsonl:1: field "priority": unknown field'],
    [
      'a failure reason on a job that did not fail',
      minimal({ failureReason: 'AlgorithmError: x' }),
      't.jsonl:1: field "failureReason": allowed only when outcome is "Failed", and outcome is "Completed"',
    ],
  ])('rejects %s', (_, value, expected) => {
    expect(reportOf(value)).toBe(expected);
  });

  it('rejects a line that is not an object', () => {
    expect(reportOf([1, 2])).toBe('t.jsonl:1: expected a JSON object describing one training job, got [1,2]');
  });

  it('names the line of invalid JSON, and explains comments', () => {
    const issues = issuesOf(lines(minimal({ name: 'a' }), '{"name": "b",', '', '# a comment'));
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatchObject({ line: 2 });
    expect(issues[0]?.message).toMatch(/^invalid JSON: /);
    expect(issues[1]).toEqual({
      line: 4,
      message: 'invalid JSON: JSON Lines has no comments (blank lines are allowed)',
    });
  });

  it('refuses a name used twice, naming the first line', () => {
    expect(
      issuesOf(lines(minimal({ name: 'a' }), '', minimal({ name: 'a', submitAt: '2026-03-03T09:00:00Z' }))),
    ).toEqual([{ line: 3, field: 'name', message: '"a" is already used on line 1' }]);
  });

  it('reports every error of every line, in line order, and no job', () => {
    const result = parseTrace(
      lines(minimal({ name: 'ok' }), minimal({ name: 'x', instanceCount: 0, volumeSizeInGB: 'big' }), 'nope'),
    );
    expect(result).toEqual({
      ok: false,
      issues: [
        { line: 2, field: 'instanceCount', message: 'expected a positive integer, got 0' },
        { line: 2, field: 'volumeSizeInGB', message: 'expected a positive integer, got "big"' },
        { line: 3, message: expect.stringMatching(/^invalid JSON: /) },
      ],
    });
  });

  it('refuses a trace without jobs', () => {
    expect(issuesOf('\n\n')).toEqual([{ message: 'the trace has no jobs' }]);
  });
});

describe('reporting', () => {
  const manyBad = lines(
    ...Array.from({ length: 25 }, (_, i) => minimal({ name: `j${i}`, instanceCount: -1 })),
  );

  it('lists at most 20 errors and counts the rest', () => {
    const report = formatTraceIssues('big.jsonl', issuesOf(manyBad)).split('\n');
    expect(report).toHaveLength(21);
    expect(report[0]).toBe('big.jsonl:1: field "instanceCount": expected a positive integer, got -1');
    expect(report[19]).toBe('big.jsonl:20: field "instanceCount": expected a positive integer, got -1');
    expect(report[20]).toBe('... and 5 more errors');
  });

  it('parseTraceOrThrow throws every issue in a TraceParseError', () => {
    const error = (() => {
      try {
        parseTraceOrThrow(manyBad, 'big.jsonl');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(TraceParseError);
    if (!(error instanceof TraceParseError)) return;
    expect(error.issues).toHaveLength(25);
    expect(error.message.split('\n')[0]).toBe('invalid trace big.jsonl (25 errors):');
  });

  it('readTraceFile names the file in its errors and returns the jobs of a valid one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'poolwarden-trace-'));
    const bad = join(dir, 'bad.jsonl');
    const good = join(dir, 'good.jsonl');
    await writeFile(
      bad,
      `${JSON.stringify(minimal())}\n${JSON.stringify(minimal({ name: 'x', outcome: 'Done' }))}\n`,
    );
    await writeFile(good, `${JSON.stringify(minimal())}\n`);
    await expect(readTraceFile(bad)).rejects.toThrow(
      'invalid trace bad.jsonl (1 error):\nbad.jsonl:2: field "outcome": expected one of Completed, Failed, Stopped, got "Done"',
    );
    expect((await readTraceFile(good)).map((j) => j.name)).toEqual(['train-1']);
  });
});
