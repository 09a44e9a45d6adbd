import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../lib/domain/policy/defaultPolicy';
import { formatDuration, parseDuration } from '../../lib/domain/policy/duration';
import { formatPolicyErrors, type PolicyError, parsePolicy } from '../../lib/policyFile/parsePolicy';
import { policyOf } from '../support/policyOf';

const errorsOf = (text: string, source = 'policy.yaml'): readonly PolicyError[] => {
  const result = parsePolicy(text, source);
  if (result.ok) throw new Error('expected the policy to be rejected');
  return result.errors;
};

/** [line, path, message fragment] of every error, in file order. */
const summary = (errors: readonly PolicyError[]) => errors.map((e) => [e.line, e.path, e.message]);

describe('durations', () => {
  it.each([
    ['90', 90],
    ['90s', 90],
    ['30m', 1800],
    ['2h', 7200],
    ['1d', 86_400],
    ['1h30m', 5400],
    ['1h 30m', 5400],
    ['1.5h', 5400],
    [3600, 3600],
  ] as const)('reads %j as %i seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each([
    '',
    'soon',
    '-5m',
    '1h30',
    '3 hours',
    -1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    `${'9'.repeat(400)}s`,
  ])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it.each([
    [45, '45s'],
    [1800, '30m'],
    [5400, '1h 30m'],
    [3600, '1h'],
    [97_205, '1d 3h'],
  ])('writes %i seconds as %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('parsePolicy: valid documents', () => {
  it('turns an empty document into the default policy', () => {
    expect(policyOf('')).toEqual(DEFAULT_POLICY);
    expect(policyOf('{}')).toEqual(DEFAULT_POLICY);
  });

  it('merges a rule over the defaults, and the defaults over the built-in ones', () => {
    const policy = policyOf(`
defaults:
  idle:
    insideWorkingHours: 2h
  caps:
    idleSpendPerPoolPerDay: 100
rules:
  - name: evenings-off
    match: { teams: [vision] }
    idle:
      outsideWorkingHours: off
    workingHours: []
`);
    expect(policy.defaults.idle).toEqual({
      insideWorkingHoursSeconds: 7200,
      outsideWorkingHoursSeconds: 7200,
    });
    const rule = policy.rules[0];
    expect(rule?.name).toBe('evenings-off');
    // Inherited from the file's defaults, switched off by the rule, replaced whole.
    expect(rule?.settings.idle).toEqual({
      insideWorkingHoursSeconds: 7200,
      outsideWorkingHoursSeconds: null,
    });
    expect(rule?.settings.caps.idleSpendPerPoolPerDayUsd).toBe(100);
    expect(rule?.settings.workingHours).toEqual([]);
    expect(rule?.match).toEqual({ tags: [], instanceTypes: [], teams: ['vision'], owners: [] });
  });

  it('reads working hours, tag conditions, percentages and the job keep-alive', () => {
    const policy = policyOf(`
defaults:
  workingHours:
    - timeZone: America/New_York
      days: [fri, mon]
      start: "22:00"
      end: "06:00"
      holidays: ["2025-07-04"]
  keepAlive:
    strategy: hybrid-histogram
    fixed: job
    hybrid: { margin: 15%, tailPercentile: 0.95 }
rules:
  - name: tagged
    match:
      tags: ["workload=nightly", "poolwarden:pinned", "expr=a=b"]
`);
    expect(policy.defaults.workingHours).toEqual([
      {
        timeZone: 'America/New_York',
        days: ['mon', 'fri'],
        startMinute: 1320,
        endMinute: 360,
        holidays: ['2025-07-04'],
      },
    ]);
    expect(policy.defaults.keepAlive.fixedSeconds).toBeNull();
    expect(policy.defaults.keepAlive.hybrid.margin).toBeCloseTo(0.15);
    expect(policy.defaults.keepAlive.hybrid.tailPercentile).toBeCloseTo(0.95);
    expect(policy.rules[0]?.match.tags).toEqual([
      { key: 'workload', value: 'nightly' },
      { key: 'poolwarden:pinned' },
      { key: 'expr', value: 'a=b' },
    ]);
  });

  it('accepts YAML anchors and merge keys, so windows can be shared', () => {
    const merged = policyOf(`
defaults:
  workingHours:
    - &office
      timeZone: Europe/Berlin
      days: [mon]
      start: "08:00"
      end: "19:00"
rules:
  - name: late
    match: { owners: [bob] }
    workingHours:
      - <<: *office
        end: "21:00"
`);
    expect(merged.rules[0]?.settings.workingHours[0]).toMatchObject({
      timeZone: 'Europe/Berlin',
      endMinute: 21 * 60,
    });
  });

  it('reads JSON with the same schema', () => {
    const policy = policyOf(
      JSON.stringify({
        dryRun: true,
        rules: [{ name: 'big', match: { instanceTypes: ['ml.p5.*'] }, dryRun: false }],
      }),
    );
    expect(policy.dryRun).toBe(true);
    expect(policy.rules[0]?.match.instanceTypes).toEqual(['ml.p5.*']);
  });

  it('parses the bundled example policy', () => {
    const policy = policyOf(readFileSync(new URL('../../examples/policy.yaml', import.meta.url), 'utf8'));
    expect(policy.rules.map((r) => r.name)).toEqual([
      'nightly-training',
      'vision-interactive',
      'large-gpu-clusters',
    ]);
    expect(policy.defaults.keepAlive.strategy).toBe('adaptive');
    expect(policy.rules[1]?.settings.workingHours.map((w) => w.timeZone)).toEqual([
      'Europe/Berlin',
      'America/New_York',
    ]);
    expect(policy.rules[0]?.settings.honourTags.protect).toBe(false);
  });
});

describe('parsePolicy: errors', () => {
  it('reports a YAML syntax error at its line, and nothing else', () => {
    const errors = errorsOf(`rules:
  - name: a
    match:
      instanceTypes: [ml.p4d.*
  - name: b
`);
    // The parser notices the unclosed list where the next item begins.
    expect(errors).toEqual([
      {
        source: 'policy.yaml',
        line: 5,
        column: 3,
        path: '',
        message: expect.stringContaining('end with a ]'),
      },
    ]);
  });

  it('reports duplicate keys as syntax errors', () => {
    const errors = errorsOf('dryRun: true\ndryRun: false\n');
    expect(errors[0]?.line).toBe(2);
    expect(errors[0]?.message).toMatch(/unique/);
  });

  it('reports every schema violation with its line and path', () => {
    const text = `version: 1
defaults:
  workingHours:
    - timeZone: Europe/Berln
      days: [mon, tue, wendesday]
      start: "08:00"
      end: "08:00"
  idle:
    insideWorkingHours: 3 hours
    outsideWorkingHours: 30m
rules:
  - name: gpu
    match:
      instanceTypes: ["ml.p4d.*"]
    idel:
      insideWorkingHours: 1h
  - name: gpu
    keepAlive:
      strategy: adaptve
    caps:
      keepAlivePerCall: 7h
      idleSpendPerTeamPerDay: -5
  - name: never
  - match: { owners: [bob] }
`;
    expect(summary(errorsOf(text))).toEqual([
      [4, 'defaults.workingHours[0].timeZone', expect.stringContaining('IANA time zone')],
      [5, 'defaults.workingHours[0].days[2]', expect.stringContaining('got "wendesday"')],
      [7, 'defaults.workingHours[0].end', expect.stringContaining('end equals start')],
      [9, 'defaults.idle.insideWorkingHours', expect.stringContaining('got "3 hours"')],
      [15, 'rules[0].idel', 'unknown key "idel"; did you mean "idle"?'],
      [17, 'rules[1].name', expect.stringContaining('duplicate rule name "gpu"')],
      [19, 'rules[1].keepAlive.strategy', expect.stringContaining('did you mean "adaptive"?')],
      [21, 'rules[1].caps.keepAlivePerCall', expect.stringContaining('at most 6h')],
      [22, 'rules[1].caps.idleSpendPerTeamPerDay', expect.stringContaining('USD')],
      [23, 'rules[2]', expect.stringContaining('unreachable')],
      [24, 'rules[3].name', expect.stringMatching(/^required: a rule name/)],
      [24, 'rules[3]', expect.stringContaining('unreachable')],
    ]);
  });

  it('points an unknown key at the key itself', () => {
    const [error] = errorsOf('defaults:\n  notify:\n    leadtime: 5m\n');
    expect(error).toMatchObject({ line: 3, column: 5, path: 'defaults.notify.leadtime' });
    expect(error?.message).toBe('unknown key "leadtime"; did you mean "leadTime"?');
  });

  it('names a number too large to hold as what it is, and refuses a duration that overflows', () => {
    expect(summary(errorsOf('defaults:\n  caps:\n    keepAlivePerCall: 1e400\n'))).toEqual([
      [
        3,
        'defaults.caps.keepAlivePerCall',
        'expected a duration such as 90s, 30m, 2h, 1d or a number of seconds, or off, got Infinity (a number too large to hold)',
      ],
    ]);
    expect(errorsOf(`defaults:\n  keepAlive:\n    coldStart: ${'9'.repeat(400)}s\n`)).toHaveLength(1);
  });

  it('gives no suggestion for a key that resembles nothing', () => {
    const [error] = errorsOf('colour: blue\n');
    expect(error?.message).toBe('unknown key "colour"');
  });

  it('reports JSON errors at their lines too', () => {
    const json = `{
  "rules": [
    {
      "name": "a",
      "idle": { "insideWorkingHours": true },
      "honourTags": { "protect": "yes" }
    }
  ]
}`;
    expect(summary(errorsOf(json, 'policy.json'))).toEqual([
      [5, 'rules[0].idle.insideWorkingHours', expect.stringContaining('got true')],
      [6, 'rules[0].honourTags.protect', 'expected true or false, got "yes"'],
    ]);
  });

  it('rejects a document that is not a mapping', () => {
    const [error] = errorsOf('- a\n- b\n');
    expect(error).toMatchObject({ line: 1, path: '' });
  });

  it('rejects the reserved rule name and bad tag conditions', () => {
    expect(summary(errorsOf('rules:\n  - name: defaults\n    match:\n      tags: ["=x", ""]\n'))).toEqual([
      [2, 'rules[0].name', expect.stringContaining('reserved')],
      [4, 'rules[0].match.tags[0]', expect.stringContaining('tag condition')],
      [4, 'rules[0].match.tags[1]', expect.stringContaining('tag condition')],
    ]);
  });

  it('formats errors the way compilers do', () => {
    const errors = errorsOf('dryRun: maybe\n', 'team.yaml');
    expect(formatPolicyErrors(errors)).toBe('team.yaml:1:9: dryRun: expected true or false, got "maybe"');
  });
});
