import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, type Tags } from 'yaml';

/** CloudFormation's short-form intrinsic functions, as plain objects. */
const cfnTags: Tags = [
  'Ref',
  'GetAtt',
  'Sub',
  'Join',
  'Select',
  'Split',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'Condition',
  'ImportValue',
].flatMap((name) => [
  { tag: `!${name}`, resolve: (value: unknown) => ({ [`Fn::${name}`]: value }) },
  {
    tag: `!${name}`,
    collection: 'seq' as const,
    resolve: (value: { toJSON(): unknown }) => ({ [`Fn::${name}`]: value.toJSON() }),
  },
]);

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}
interface Template {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, unknown>;
}

const load = async (file: string) => parse(await readFile(file, 'utf8'), { customTags: cfnTags }) as Template;

/** Every metric name the code counts: `count('Name')`, FACT_METRICS values and the runtime's metric constants. */
const emittedMetrics = async (): Promise<Set<string>> => {
  const names = new Set<string>();
  const files = [
    'lib/app/factMetrics.ts',
    'lib/app/processJobStateChange.ts',
    'lib/app/sweep.ts',
    'lib/app/wakeAsker.ts',
    'lib/wiring/runtime.ts',
  ];
  for (const entry of await readdir('lib/notify'))
    if (entry.endsWith('.ts')) files.push(join('lib/notify', entry));
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    for (const m of text.matchAll(/count\('([A-Za-z]+)'/g)) names.add(m[1] as string);
    for (const m of text.matchAll(/:\s*'([A-Z][A-Za-z]+)'/g)) names.add(m[1] as string);
    for (const m of text.matchAll(/_METRIC = '([A-Za-z]+)'/g)) names.add(m[1] as string);
  }
  return names;
};

/** The resources serverless.yml declares itself (its `resources` may be one block or a list of them). */
const serverlessResourceNames = async (): Promise<string[]> => {
  const serverless = (await load('serverless.yml')) as unknown as { resources: unknown };
  const blocks = Array.isArray(serverless.resources) ? serverless.resources : [serverless.resources];
  return blocks.flatMap((b: unknown) =>
    b && typeof b === 'object' && 'Resources' in b ? Object.keys((b as Template).Resources) : [],
  );
};

describe('resources/observability.yml', () => {
  it('has a dashboard of events, reuses, actions, idle cost, errors and dead letters, on metrics the code emits', async () => {
    const template = await load('resources/observability.yml');
    const dashboard = Object.values(template.Resources).find((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    expect(dashboard).toBeDefined();
    const body =
      (dashboard?.Properties.DashboardBody as { 'Fn::Sub': string } | undefined)?.['Fn::Sub'] ?? '';
    const substitutions = [...body.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1] as string);
    const json = JSON.parse(body.replace(/\$\{[^}]+\}/g, 'X')) as {
      widgets: Array<{ properties: { title: string; metrics: string[][] } }>;
    };
    const titles = json.widgets.map((w) => w.properties.title.toLowerCase());
    for (const topic of ['events', 'reuses', 'actions', 'idle cost', 'errors', 'dead letters'])
      expect(titles.some((t) => t.includes(topic))).toBe(true);
    const emitted = await emittedMetrics();
    const ours = json.widgets.flatMap((w) => w.properties.metrics).filter((m) => m[0] === 'poolwarden');
    expect(ours.length).toBeGreaterThan(10);
    for (const metric of ours) {
      expect(emitted, `metric ${metric[1]}`).toContain(metric[1]);
      expect(metric.slice(2)).toEqual(['service', 'poolwarden']);
    }
    // Everything the body substitutes is a pseudo parameter or a resource of the service.
    const known = new Set([
      ...(await serverlessResourceNames()),
      ...Object.keys(template.Resources),
      'OnJobStateChangeLambdaFunction',
      'SweepLambdaFunction',
    ]);
    for (const s of substitutions) {
      if (s.startsWith('AWS::')) continue;
      expect(known, s).toContain(s.split('.')[0]);
    }
  });

  it('alarms on function errors, sweep throttles, wakes not scheduled and the dead-letter depth, and tells the alarms topic', async () => {
    const template = await load('resources/observability.yml');
    const alarms = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
    const on = (namespace: string, metric: string) =>
      alarms.filter(([, a]) => a.Properties.Namespace === namespace && a.Properties.MetricName === metric);
    const lambdaErrors = on('AWS/Lambda', 'Errors').map(
      ([, a]) => (a.Properties.Dimensions as Array<{ Value: { 'Fn::Ref': string } }>)[0]?.Value['Fn::Ref'],
    );
    expect(lambdaErrors.sort()).toEqual(['OnJobStateChangeLambdaFunction', 'SweepLambdaFunction']);
    const depth = on('AWS/SQS', 'ApproximateNumberOfMessagesVisible');
    expect(depth).toHaveLength(1);
    expect(depth[0]?.[1].Properties.Dimensions).toEqual([
      { Name: 'QueueName', Value: { 'Fn::GetAtt': 'FailedEventsQueue.QueueName' } },
    ]);
    expect(on('poolwarden', 'NotificationsDeadLettered')).toHaveLength(1);
    // Wakes not set leave the sweep to its backstop: pools stopped up to a period late.
    const emitted = await emittedMetrics();
    expect(emitted).toContain('WakesNotScheduled');
    expect(on('poolwarden', 'WakesNotScheduled')).toHaveLength(1);
    // One sweep at a time: a scheduled one that finds another running is throttled, its minute lost.
    const throttles = on('AWS/Lambda', 'Throttles').map(
      ([, a]) => (a.Properties.Dimensions as Array<{ Value: { 'Fn::Ref': string } }>)[0]?.Value['Fn::Ref'],
    );
    expect(throttles).toEqual(['SweepLambdaFunction']);
    for (const [name, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions, name).toEqual([{ 'Fn::Ref': 'AlarmsTopic' }]);
      expect(alarm.Properties.TreatMissingData, name).toBe('notBreaching');
    }
    expect(template.Resources.AlarmsTopic?.Type).toBe('AWS::SNS::Topic');
  });

  it('alarms on a sweep that fails at every run even when only the backstop runs it', async () => {
    const template = await load('resources/observability.yml');
    const serverless = (await load('serverless.yml')) as unknown as { resources: unknown };
    const blocks = Array.isArray(serverless.resources) ? serverless.resources : [serverless.resources];
    const backstop = blocks
      .flatMap((b: unknown) =>
        b && typeof b === 'object' && 'Resources' in b ? [(b as Template).Resources] : [],
      )
      .map((resources) => resources.SweepBackstopSchedule)
      .find((r) => r !== undefined);
    const rate = /^rate\((\d+) minutes?\)$/.exec(String(backstop?.Properties.ScheduleExpression));
    expect(rate).not.toBeNull();
    const backstopSeconds = Number(rate?.[1]) * 60;
    const alarm = Object.values(template.Resources).find(
      (r) =>
        r.Type === 'AWS::CloudWatch::Alarm' &&
        r.Properties.MetricName === 'Errors' &&
        (r.Properties.Dimensions as Array<{ Value: { 'Fn::Ref': string } }>)[0]?.Value['Fn::Ref'] ===
          'SweepLambdaFunction',
    );
    const { Period, DatapointsToAlarm, EvaluationPeriods, Threshold } = alarm?.Properties ?? {};
    // Each period holds at least one backstop run, and one failed run per period breaches it.
    expect(Number(Period) % backstopSeconds).toBe(0);
    expect(Number(Threshold)).toBe(1);
    expect(Number(DatapointsToAlarm)).toBeLessThanOrEqual(Number(EvaluationPeriods));
  });

  it('adds no resource the service already declares', async () => {
    const template = await load('resources/observability.yml');
    const existing = await serverlessResourceNames();
    for (const name of Object.keys(template.Resources)) expect(existing).not.toContain(name);
  });
});
