// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation's own ${...} placeholders (Fn::Sub)
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDEX, KEY, TTL_ATTRIBUTE, tableDefinition } from '../../lib/adapters/dynamo/tableDesign';
import { loadConfig } from '../../lib/wiring/config/loadConfig';
import { ssmFetchData } from '../../lib/wiring/ssmParameters';
import { offlineLambdaEnv } from '../support/functionBundles';
import { zipEntries } from '../support/zipEntries';

const run = promisify(execFile);

interface Resource {
  Type: string;
  Condition?: string;
  Properties: Record<string, unknown>;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}
interface Template {
  Resources: Record<string, Resource>;
  Parameters?: Record<string, { Default?: string; AllowedValues?: string[] }>;
  Conditions?: Record<string, unknown>;
  Rules?: Record<string, { RuleCondition?: unknown; Assertions: Array<{ Assert: unknown }> }>;
}
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
}

let outDir: string;
let template: Template;
let resources: Record<string, Resource>;
let templateFile: string;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'poolwarden-package-'));
  await run('npx', ['serverless', 'package', '--package', outDir, '--stage', 'test'], {
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
    timeout: 120_000,
  });
  templateFile = join(outDir, 'cloudformation-template-update-stack.json');
  template = JSON.parse(await readFile(templateFile, 'utf8')) as Template;
  resources = template.Resources;
}, 180_000);

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

/** A resource that must exist. */
const resourceIn = (of: Template, name: string): Resource => {
  const resource = of.Resources[name];
  if (!resource) throw new Error(`the template has no ${name}`);
  return resource;
};
const resourceNamed = (name: string): Resource => resourceIn(template, name);

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

const allowStatements = (): Statement[] =>
  ofType('AWS::IAM::Role').flatMap(([, role]) =>
    ((role.Properties.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>) ?? []).flatMap((p) =>
      p.PolicyDocument.Statement.filter((s) => s.Effect === 'Allow'),
    ),
  );

describe('the packaged CloudFormation template', () => {
  it('subscribes onJobStateChange to SageMaker training job state changes, with a dead-letter queue', () => {
    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties);
    expect(rules).toContainEqual(
      expect.objectContaining({
        EventPattern: { source: ['aws.sagemaker'], 'detail-type': ['SageMaker Training Job State Change'] },
        Targets: [
          expect.objectContaining({ DeadLetterConfig: expect.any(Object), RetryPolicy: expect.any(Object) }),
        ],
      }),
    );
    const invokeConfigs = ofType('AWS::Lambda::EventInvokeConfig').map(([, r]) => r.Properties);
    expect(invokeConfigs).toContainEqual(
      expect.objectContaining({ DestinationConfig: { OnFailure: { Destination: expect.any(Object) } } }),
    );
  });

  it('drops a scheduled sweep rather than running it late: not retried, and not kept past a minute when throttled', () => {
    const sweepConfig = ofType('AWS::Lambda::EventInvokeConfig')
      .map(([, r]) => r.Properties)
      .find((p) => (p.FunctionName as { Ref?: string } | undefined)?.Ref === 'SweepLambdaFunction');
    expect(sweepConfig).toMatchObject({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 });
  });

  it('runs the sweep by EventBridge Scheduler alone: its wakes and a backstop every base reconcile period, never every minute', () => {
    const groups = ofType('AWS::Scheduler::ScheduleGroup');
    expect(groups.map(([id, g]) => [id, g.Properties])).toEqual([
      ['SweepWakeGroup', { Name: 'poolwarden-test' }],
    ]);
    const schedules = ofType('AWS::Scheduler::Schedule').map(([, r]) => r.Properties);
    // The base reconcile period as the functions read it (POOLWARDEN_RECONCILE_MINUTES, not set in
    // the template): a lost wake costs at most one period, and the two cannot drift apart.
    const baseMinutes =
      loadConfig({ POOLWARDEN_TABLE: 'poolwarden-test-ledger' }).policy.reconcileEveryMs / 60_000;
    expect(schedules).toEqual([
      {
        GroupName: { Ref: 'SweepWakeGroup' },
        ScheduleExpression: `rate(${baseMinutes} minutes)`,
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: {
          Arn: { 'Fn::GetAtt': ['SweepLambdaFunction', 'Arn'] },
          RoleArn: { 'Fn::GetAtt': ['SweepWakeRole', 'Arn'] },
          Input: '{"source":"poolwarden.backstop","time":"<aws.scheduler.scheduled-time>"}',
          RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
        },
      },
    ]);
    // No EventBridge rule runs the sweep (the one rule left takes SageMaker's events).
    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties);
    expect(rules.filter((r) => 'ScheduleExpression' in r)).toEqual([]);
    const env = (
      resourceNamed('SweepLambdaFunction').Properties.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(env).toMatchObject({
      POOLWARDEN_WAKE_GROUP: { Ref: 'SweepWakeGroup' },
      POOLWARDEN_WAKE_FUNCTION_ARN: {
        'Fn::Sub':
          'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:poolwarden-test-sweep',
      },
      POOLWARDEN_WAKE_ROLE_ARN: { 'Fn::GetAtt': ['SweepWakeRole', 'Arn'] },
    });
  });

  it("lets the Scheduler's role invoke the sweep and nothing else, for this account's schedules only", () => {
    const role = resourceNamed('SweepWakeRole').Properties;
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    });
    const statements = (role.Policies as Array<{ PolicyDocument: { Statement: unknown[] } }>).flatMap(
      (p) => p.PolicyDocument.Statement,
    );
    expect(statements).toEqual([
      {
        Sid: 'InvokeSweep',
        Effect: 'Allow',
        Action: ['lambda:InvokeFunction'],
        Resource: {
          'Fn::Sub':
            'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:poolwarden-test-sweep',
        },
      },
    ]);
  });

  it('lets each function that asks for wakes create schedules in their group only, and pass the role to the Scheduler only', () => {
    for (const name of ['OnJobStateChangeRole', 'SweepRole', 'SlackActionsRole']) {
      const statements = (
        resourceNamed(name).Properties.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>
      ).flatMap((p) => p.PolicyDocument.Statement);
      const scheduling = statements.filter((s) =>
        [s.Action ?? []].flat().some((a) => a.startsWith('scheduler:') || a === 'iam:PassRole'),
      );
      expect(scheduling).toEqual([
        {
          Sid: 'SweepWakes',
          Effect: 'Allow',
          Action: ['scheduler:CreateSchedule'],
          Resource: {
            'Fn::Sub':
              'arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule/poolwarden-test/*',
          },
        },
        {
          Sid: 'PassWakeRole',
          Effect: 'Allow',
          Action: ['iam:PassRole'],
          Resource: { 'Fn::GetAtt': ['SweepWakeRole', 'Arn'] },
          Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
        },
      ]);
    }
  });

  it('declares the ledger table exactly as lib/adapters/dynamo/tableDesign.ts does', () => {
    const table = resources.LedgerTable?.Properties ?? {};
    const design = tableDefinition('x');
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: TTL_ATTRIBUTE, Enabled: true });
    expect(table.KeySchema).toEqual(design.KeySchema);
    expect(new Set(table.AttributeDefinitions as unknown[])).toEqual(new Set(design.AttributeDefinitions));
    expect(table.GlobalSecondaryIndexes).toEqual(design.GlobalSecondaryIndexes);
    expect(
      (table.GlobalSecondaryIndexes as Array<{ IndexName: string }>).map((i) => i.IndexName).sort(),
    ).toEqual(
      Object.values(INDEX)
        .map((i) => i.name)
        .sort(),
    );
    expect(KEY).toEqual({ partition: 'pk', sort: 'sk' });
  });

  it("serves the Slack buttons at POST /slack/actions through an HTTP API, bounded for Slack's 3 s", () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    expect(routes).toContainEqual(expect.objectContaining({ RouteKey: 'POST /slack/actions' }));
    const slackActions = ofType('AWS::Lambda::Function')
      .map(([, f]) => f.Properties)
      .find((f) => String(f.Handler).includes('slackActions'));
    expect(slackActions).toBeDefined();
    const env = (slackActions?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
    expect(env).toMatchObject({
      POOLWARDEN_SLACK_SIGNING_SECRET_PARAM: '/poolwarden/test/slack-signing-secret',
      POOLWARDEN_NOTIFY_MAX_ATTEMPTS: '1',
      POOLWARDEN_NOTIFY_RETRY_BUDGET_MS: '0',
    });
    // The secret itself never appears in the template: only the parameter's name.
    expect(JSON.stringify(resources)).not.toMatch(/SLACK_SIGNING_SECRET"\s*:/);
    const role = resources.SlackActionsRole?.Properties.Policies as Array<{
      PolicyDocument: { Statement: Statement[] };
    }>;
    // The spoke-role statement is conditional (Fn::If): checked with the hub below.
    const actions = role.flatMap((p) =>
      p.PolicyDocument.Statement.flatMap((st) => (st.Action === undefined ? [] : [st.Action].flat())),
    );
    expect(new Set(actions)).toEqual(
      new Set([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sagemaker:DescribeTrainingJob',
        'sagemaker:UpdateTrainingJob',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:Query',
        'sns:Publish',
        'ssm:GetParameters',
        // A click that changed the ledger asks for the next minute's sweep (event handling rule 12).
        'scheduler:CreateSchedule',
        'iam:PassRole',
      ]),
    );
  });

  it('grants no wildcard action in any IAM statement', () => {
    const statements = allowStatements();
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      for (const action of [statement.Action].flat()) expect(action).not.toMatch(/\*/);
    }
  });

  it('gives each function its own role and bounded log retention', () => {
    const functions = ofType('AWS::Lambda::Function').map(([, f]) => f.Properties);
    const roles = functions.map((f) => JSON.stringify(f.Role));
    expect(new Set(roles).size).toBe(functions.length);
    for (const [, group] of ofType('AWS::Logs::LogGroup')) {
      expect(group.Properties.RetentionInDays).toBeGreaterThan(0);
    }
    for (const f of functions) expect(f.Runtime).toBe('nodejs22.x');
  });
});

/** The logical ids a resource's properties name through Ref, Fn::GetAtt or a Fn::Sub placeholder. */
const namedIn = (value: unknown): Set<string> => {
  const text = JSON.stringify(value) ?? '';
  const ids = new Set<string>();
  for (const m of text.matchAll(/"Ref":"([A-Za-z0-9]+)"/g)) ids.add(m[1] as string);
  for (const m of text.matchAll(/"Fn::GetAtt":\["([A-Za-z0-9]+)"/g)) ids.add(m[1] as string);
  for (const m of text.matchAll(/\$\{([A-Za-z0-9]+)[.}]/g)) ids.add(m[1] as string);
  return ids;
};

/** Evaluates the intrinsic functions the grants use, for one value of each template parameter. */
const resolve = (value: unknown, parameters: Record<string, string>): unknown => {
  if (Array.isArray(value)) return value.map((v) => resolve(v, parameters)).filter((v) => v !== NO_VALUE);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [key, inner] = entries[0] ?? [];
  if (entries.length === 1 && key === 'Ref' && typeof inner === 'string') {
    if (inner === 'AWS::NoValue') return NO_VALUE;
    return parameters[inner] ?? `<${inner}>`;
  }
  if (entries.length === 1 && key === 'Fn::Equals' && Array.isArray(inner))
    return resolve(inner[0], parameters) === resolve(inner[1], parameters);
  if (entries.length === 1 && key === 'Condition' && typeof inner === 'string')
    return resolve(template.Conditions?.[inner], parameters);
  if (entries.length === 1 && key === 'Fn::Not' && Array.isArray(inner))
    return !resolve(inner[0], parameters);
  if (entries.length === 1 && key === 'Fn::Or' && Array.isArray(inner))
    return inner.some((v) => resolve(v, parameters) === true);
  if (entries.length === 1 && key === 'Fn::And' && Array.isArray(inner))
    return inner.every((v) => resolve(v, parameters) === true);
  if (entries.length === 1 && key === 'Fn::If' && Array.isArray(inner)) {
    const holds = resolve(template.Conditions?.[inner[0] as string], parameters);
    return resolve(holds ? inner[1] : inner[2], parameters);
  }
  if (entries.length === 1 && key === 'Fn::Sub' && typeof inner === 'string') return inner;
  return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v, parameters)]));
};
const NO_VALUE = Symbol('AWS::NoValue');

describe('the packaged template, hardened', () => {
  it('has no DependsOn that a reference already implies (cfn-lint W3005)', () => {
    for (const [name, resource] of Object.entries(resources)) {
      const named = namedIn(resource.Properties);
      for (const dependency of [resource.DependsOn ?? []].flat())
        expect(named.has(dependency), `${name} DependsOn ${dependency}`).toBe(false);
    }
  });

  it('passes cfn-lint where it is installed', async (context) => {
    const lint = await run('cfn-lint', ['--version']).catch(() => undefined);
    if (!lint) {
      console.warn('cfn-lint is not installed: the template was checked by the rules above only');
      context.skip();
    }
    const result = await run('cfn-lint', [templateFile]).catch((error: { stdout?: string }) => error);
    expect('stdout' in result ? result.stdout : '').toBe('');
  });

  it('encrypts the alarms topic with a key CloudWatch may use (the AWS-managed SNS key cannot grant it)', () => {
    const keyRef = resources.AlarmsTopic?.Properties.KmsMasterKeyId as { Ref?: string } | undefined;
    expect(keyRef?.Ref).toBeDefined();
    const key = resources[keyRef?.Ref ?? ''];
    expect(key?.Type).toBe('AWS::KMS::Key');
    const policy = key?.Properties.KeyPolicy as { Statement: Array<Statement & { Principal?: unknown }> };
    const forCloudWatch = policy.Statement.filter(
      (st) => st.Effect === 'Allow' && JSON.stringify(st.Principal).includes('cloudwatch.amazonaws.com'),
    );
    const actions = forCloudWatch.flatMap((st) => [st.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
  });

  it('throttles the public route, logs its access and caps the Slack function so ingest keeps its concurrency', () => {
    const [, stage] = ofType('AWS::ApiGatewayV2::Stage')[0] ?? [];
    const settings = stage?.Properties.DefaultRouteSettings as Record<string, number>;
    expect(settings.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(settings.ThrottlingBurstLimit).toBeGreaterThan(0);
    const access = stage?.Properties.AccessLogSettings as { DestinationArn: { 'Fn::GetAtt': string[] } };
    expect(resources[access.DestinationArn['Fn::GetAtt'][0] as string]?.Type).toBe('AWS::Logs::LogGroup');
    const slackActions = resources.SlackActionsLambdaFunction?.Properties;
    expect(slackActions?.ReservedConcurrentExecutions).toBeGreaterThan(0);
    expect(slackActions?.ReservedConcurrentExecutions).toBeLessThanOrEqual(10);
  });

  it('lets each function read exactly the SSM parameters it fetches, in every Slack mode', () => {
    const modes = template.Parameters?.SlackMode?.AllowedValues ?? [];
    expect(modes.sort()).toEqual(['bot', 'off', 'webhook']);
    const fetchers: Record<string, (env: Record<string, string>) => Record<string, string>> = {
      OnJobStateChangeLambdaFunction: (env) => ssmFetchData(loadConfig(env), { signingSecret: false }),
      SweepLambdaFunction: (env) => ssmFetchData(loadConfig(env), { signingSecret: false }),
      SlackActionsLambdaFunction: (env) => ssmFetchData(loadConfig(env), { signingSecret: true }),
    };
    for (const mode of modes) {
      const parameters = {
        SlackMode: mode,
        NotificationsTopic: 'arn:aws:sns:us-east-1:123456789012:t',
        'AWS::AccountId': '123456789012',
        'AWS::Region': 'us-east-1',
        SpokeExternalId: '',
        MemberLocations: '',
      };
      for (const [name, fetchData] of Object.entries(fetchers)) {
        const fn = resourceNamed(name).Properties;
        const env = resolve(
          (fn.Environment as { Variables: Record<string, unknown> }).Variables,
          parameters,
        ) as Record<string, string>;
        // The wake settings name resources by GetAtt and Sub, which this evaluation leaves unresolved; no SSM read depends on them.
        for (const wake of [
          'POOLWARDEN_WAKE_GROUP',
          'POOLWARDEN_WAKE_FUNCTION_ARN',
          'POOLWARDEN_WAKE_ROLE_ARN',
        ])
          delete env[wake];
        const reads = Object.values(fetchData(env)).sort();
        const roleName = (fn.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] as string;
        const statements = (
          resourceNamed(roleName).Properties.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>
        ).flatMap((p) => p.PolicyDocument.Statement);
        const granted = statements
          .filter((st) => [st.Action].flat().includes('ssm:GetParameters'))
          .flatMap((st) => [resolve(st.Resource, parameters)].flat() as string[])
          .map((arn) =>
            arn.replace(/^arn:\$\{AWS::Partition\}:ssm:\$\{AWS::Region\}:\$\{AWS::AccountId\}:parameter/, ''),
          )
          .sort();
        expect(granted, `${name} in Slack mode ${mode}`).toEqual(reads);
      }
    }
  });

  it('lets only its own rule dead-letter into the failed-events queue', () => {
    const statements = (
      resourceNamed('FailedEventsQueuePolicy').Properties.PolicyDocument as {
        Statement: Array<Record<string, unknown>>;
      }
    ).Statement;
    const ruleName = ofType('AWS::Events::Rule')
      .map(([, r]) => r.Properties)
      .find((r) => JSON.stringify(r.EventPattern ?? {}).includes('aws.sagemaker'))?.Name as string;
    for (const st of statements) {
      const sourceArn = (st.Condition as { ArnEquals?: Record<string, { 'Fn::Sub': string }> } | undefined)
        ?.ArnEquals?.['aws:SourceArn']?.['Fn::Sub'];
      expect(sourceArn).toMatch(new RegExp(`:rule/${ruleName}$`));
    }
  });

  it('keeps the properties of the parameters operators set: a change would make a deploy write their defaults over them', () => {
    // CloudFormation updates a parameter (its Value included) only when one of its properties in
    // the template changes: pinned here, a deploy never resets a live policy or kill switch.
    expect(resources.PolicyParameter?.Properties).toEqual({
      Name: expect.stringMatching(/^\/poolwarden\/[^/]+\/policy$/),
      Type: 'String',
      Tier: 'Advanced',
      Value: 'version: 1',
      Description: 'poolwarden policy (YAML or JSON)',
    });
    expect(resources.KillSwitchParameter?.Properties).toEqual({
      Name: expect.stringMatching(/^\/poolwarden\/[^/]+\/kill-switch$/),
      Type: 'String',
      Value: 'off',
      Description: 'poolwarden kill switch (on = every action is a dry run)',
    });
  });

  it('protects the ledger from deletion and says what happens to each queue and log group', () => {
    expect(resources.LedgerTable?.Properties.DeletionProtectionEnabled).toBe(true);
    const kept = [...ofType('AWS::SQS::Queue'), ...ofType('AWS::Logs::LogGroup'), ...ofType('AWS::KMS::Key')];
    expect(kept.length).toBeGreaterThanOrEqual(5);
    for (const [name, resource] of kept) {
      expect(resource.DeletionPolicy, name).toMatch(/^(Delete|Retain)$/);
      expect(resource.UpdateReplacePolicy, name).toBe(resource.DeletionPolicy);
    }
    expect(resources.FailedEventsQueue?.DeletionPolicy).toBe('Retain');
  });
});

const FUNCTIONS = ['onJobStateChange', 'sweep', 'slackActions'];

/** The files a bundle or chunk imports from beside it, statically or when it needs them. */
const importsOf = (code: string): string[] =>
  [
    ...code.matchAll(
      /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|[\w$]+\(\s*)"\.\/([^"]+\.(?:mjs|cjs))"/g,
    ),
  ].map((m) => `functions/${m[1]}`);

/** The files of a function's zip that its bundle loads, at import or when it needs them. */
const neededFiles = (files: Map<string, Buffer>, name: string): Set<string> => {
  const needed = new Set([`functions/${name}.mjs`]);
  for (const file of needed)
    for (const imported of importsOf(files.get(file)?.toString('utf8') ?? '')) needed.add(imported);
  return needed;
};

/** Imports each module named on the command line; prints the names each exports. */
const IMPORT_EACH = `
const exported = {};
for (const file of process.argv.slice(2)) exported[file] = Object.keys(await import(file));
console.log(JSON.stringify(exported));
`;

/**
 * A function's handler, run from the files of its zip in a fresh node: the SSM parameters it
 * prefetches are answered on loopback (the policy with POLICY's text), any other AWS call is
 * refused there. Prints the handler's result; the function logs on stderr.
 */
const INVOKE = `
import { createServer } from 'node:http';
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.setHeader('content-type', 'application/x-amz-json-1.1');
    if (!String(request.headers['x-amz-target']).endsWith('GetParameters')) {
      response.statusCode = 400;
      return response.end('{"__type":"ValidationException","message":"not here"}');
    }
    const policy = { Name: process.env.POOLWARDEN_POLICY_PARAM, Value: process.env.POLICY, Type: 'String' };
    response.end(JSON.stringify({ Parameters: [policy], InvalidParameters: [] }));
  });
});
await new Promise((listening) => server.listen(0, '127.0.0.1', listening));
process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:' + server.address().port;
const { handler } = await import(process.argv[2]);
const context = { functionName: 'onJobStateChange', awsRequestId: 'r1', getRemainingTimeInMillis: () => 10_000 };
console.log(JSON.stringify(await handler({ detail: {} }, context)));
process.exit(0);
`;

describe('the packaged functions', () => {
  it("hold every file their bundle loads: the chunks split off, the YAML parser, and none of another function's", async () => {
    for (const name of FUNCTIONS) {
      const files = zipEntries(await readFile(join(outDir, `${name}.zip`)));
      const bundle = `functions/${name}.mjs`;
      expect([...files.keys()], name).toContain(bundle);
      for (const other of FUNCTIONS.filter((o) => o !== name))
        expect([...files.keys()], name).not.toContain(`functions/${other}.mjs`);
      const needed = neededFiles(files, name);
      expect(needed, name).toContain('functions/policyYaml.cjs');
      // At least one Slack client's chunk, imported at the first Slack message.
      expect(needed.size, name).toBeGreaterThan(3);
      for (const file of needed) expect(files.has(file), `${name}: ${file}`).toBe(true);
    }
  });

  it('run from their zip: the handler reads a YAML policy with the parser beside it, and each chunk loads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'poolwarden-zip-'));
    try {
      const env = {
        ...offlineLambdaEnv(),
        POOLWARDEN_TABLE: 'poolwarden-test-ledger',
        POOLWARDEN_POLICY_PARAM: '/poolwarden/test/policy',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
        POWERTOOLS_METRICS_DISABLED: 'true',
        // Invalid, so that the parser's error, with its line and column, is logged.
        POLICY: 'version: 1\ndryRun: maybe\n',
      };
      const chunksOf = new Map<string, string[]>();
      for (const name of FUNCTIONS) {
        const files = zipEntries(await readFile(join(outDir, `${name}.zip`)));
        const root = join(dir, name);
        for (const [file, data] of files) {
          await mkdir(dirname(join(root, file)), { recursive: true });
          await writeFile(join(root, file), data);
        }
        chunksOf.set(
          name,
          [...neededFiles(files, name)]
            .filter((file) => file.endsWith('.mjs') && file !== `functions/${name}.mjs`)
            .map((file) => pathToFileURL(join(root, file)).href),
        );
      }
      const invoke = join(dir, 'invoke.mjs');
      await writeFile(invoke, INVOKE);
      const bundle = (name: string) => pathToFileURL(join(dir, name, 'functions', `${name}.mjs`)).href;
      const { stdout, stderr } = await run(process.execPath, [invoke, bundle('onJobStateChange')], {
        env,
        timeout: 60_000,
      });
      expect(JSON.parse(stdout)).toMatchObject({ kind: 'rejected' });
      const logs = stderr
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(logs).toContainEqual(
        expect.objectContaining({
          message: 'the policy is invalid; keeping the last valid one',
          errors: '/poolwarden/test/policy:2:9: dryRun: expected true or false, got "maybe"',
        }),
      );
      for (const name of ['sweep', 'slackActions']) {
        const probe = `await import(${JSON.stringify(bundle(name))}); console.log('imported'); process.exit(0);`;
        const { stdout: imported } = await run(process.execPath, ['--input-type=module', '-e', probe], {
          env,
          timeout: 60_000,
        });
        expect(imported.trim(), name).toBe('imported');
      }
      // Each chunk loads from the zip as the bundle loads it when it needs it: the Scheduler
      // client at the first wake, STS at a member account's first credentials, the Slack clients.
      const importEach = join(dir, 'importEach.mjs');
      await writeFile(importEach, IMPORT_EACH);
      for (const name of FUNCTIONS) {
        const { stdout: exportsOut } = await run(
          process.execPath,
          [importEach, ...(chunksOf.get(name) ?? [])],
          {
            env,
            timeout: 60_000,
          },
        );
        const byChunk = JSON.parse(exportsOut) as Record<string, string[]>;
        // The Slack clients are CommonJS: their chunks export a default only.
        expect(Object.values(byChunk).filter((names) => names.includes('default')).length, name).toBe(2);
        const exported = Object.values(byChunk).flat();
        for (const lazily of ['SchedulerClient', 'CreateScheduleCommand', 'STSClient', 'AssumeRoleCommand'])
          expect(exported, name).toContain(lazily);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('the hub of many accounts', () => {
  const hubBus = {
    'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default',
  };

  it("lets the spokes put events on the hub's bus only from the organization, or else the listed accounts", () => {
    const organization = resourceNamed('HubBusFromOrganization');
    expect(organization).toMatchObject({
      Type: 'AWS::Events::EventBusPolicy',
      Condition: 'FromOrganization',
    });
    expect(organization.Properties.Statement).toEqual({
      Effect: 'Allow',
      Principal: '*',
      Action: 'events:PutEvents',
      Resource: hubBus,
      Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } },
    });
    const accounts = resourceNamed('HubBusFromAccounts');
    expect(accounts).toMatchObject({ Type: 'AWS::Events::EventBusPolicy', Condition: 'FromListedAccounts' });
    expect(accounts.Properties.Statement).toEqual({
      Effect: 'Allow',
      Principal: { AWS: { 'Fn::Split': [',', { Ref: 'MemberAccounts' }] } },
      Action: 'events:PutEvents',
      Resource: hubBus,
    });
    // With neither an organization nor accounts, no policy: the bus stays the account's own.
    expect(template.Conditions?.FromListedAccounts).toEqual({
      'Fn::And': [
        { 'Fn::Not': [{ Condition: 'FromOrganization' }] },
        { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'MemberAccounts' }, ''] }] },
      ],
    });
  });

  it("lets the functions that send notices read the notices that may have told a job's end already", () => {
    // A "job ended" claim reads its covering notices in one BatchGetItem (coveredNotice.ts).
    for (const name of ['OnJobStateChangeRole', 'SweepRole']) {
      const policies = resourceNamed(name).Properties.Policies as Array<{
        PolicyDocument: { Statement: Array<{ Sid?: string; Action?: string | string[] }> };
      }>;
      const ledger = policies.flatMap((p) => p.PolicyDocument.Statement).find((st) => st.Sid === 'Ledger');
      expect([ledger?.Action].flat(), name).toContain('dynamodb:BatchGetItem');
    }
  });

  it('lets the functions assume the spoke role whenever spokes are in use: many accounts, member locations, or an external id alone (the hub in other regions)', () => {
    const blank = { OrganizationId: '', MemberAccounts: '', MemberLocations: '', SpokeExternalId: '' };
    const usesSpokes = (given: Record<string, string>) =>
      resolve(template.Conditions?.UsesSpokes, { ...blank, ...given });
    expect(usesSpokes({})).toBe(false);
    expect(usesSpokes({ OrganizationId: 'o-abcdefghij', SpokeExternalId: 'x1' })).toBe(true);
    expect(usesSpokes({ MemberAccounts: '111122223333', SpokeExternalId: 'x1' })).toBe(true);
    expect(usesSpokes({ MemberLocations: '111122223333/us-west-2', SpokeExternalId: 'x1' })).toBe(true);
    expect(usesSpokes({ SpokeExternalId: 'x1' })).toBe(true);
  });

  it('refuses a deploy for many accounts without the external id the spoke roles require', () => {
    const rule = template.Rules?.SpokesNeedTheirExternalId;
    const blank = { OrganizationId: '', MemberAccounts: '', MemberLocations: '', SpokeExternalId: '' };
    const refused = (given: Record<string, string>) => {
      const parameters = { ...blank, ...given };
      return (
        resolve(rule?.RuleCondition, parameters) === true &&
        (rule?.Assertions ?? []).some((a) => resolve(a.Assert, parameters) !== true)
      );
    };
    expect(rule).toBeDefined();
    expect(refused({ OrganizationId: 'o-abcdefghij' })).toBe(true);
    expect(refused({ MemberAccounts: '111122223333' })).toBe(true);
    expect(refused({ MemberLocations: '111122223333/us-west-2' })).toBe(true);
    expect(refused({ OrganizationId: 'o-abcdefghij', SpokeExternalId: 'x1' })).toBe(false);
    expect(refused({})).toBe(false);
  });

  it('lets the functions that call SageMaker assume the spoke role, and nothing more, only with spokes', () => {
    for (const name of ['OnJobStateChangeRole', 'SweepRole', 'SlackActionsRole']) {
      const policies = resourceNamed(name).Properties.Policies as Array<{
        PolicyDocument: { Statement: unknown[] };
      }>;
      const spoke = policies
        .flatMap((p) => p.PolicyDocument.Statement)
        .filter((s): s is { 'Fn::If': unknown[] } => typeof s === 'object' && s !== null && 'Fn::If' in s);
      expect(spoke).toEqual([
        {
          'Fn::If': [
            'UsesSpokes',
            {
              Sid: 'SpokeRoles',
              Effect: 'Allow',
              Action: ['sts:AssumeRole'],
              Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/poolwarden-spoke' },
            },
            { Ref: 'AWS::NoValue' },
          ],
        },
      ]);
    }
  });

  it("tells the functions the hub's own account and region and the spoke role", () => {
    const env = (
      resourceNamed('SweepLambdaFunction').Properties.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(env).toMatchObject({
      POOLWARDEN_HOME_ACCOUNT: { Ref: 'AWS::AccountId' },
      POOLWARDEN_HOME_REGION: { Ref: 'AWS::Region' },
      POOLWARDEN_SPOKE_ROLE_NAME: 'poolwarden-spoke',
      POOLWARDEN_SPOKE_EXTERNAL_ID: { Ref: 'SpokeExternalId' },
      POOLWARDEN_MEMBER_LOCATIONS: { Ref: 'MemberLocations' },
    });
  });
});

describe('the deploy settings', () => {
  it('takes the Slack settings as --param, as the README says (the framework refuses unknown options)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'poolwarden-package-bot-'));
    try {
      await run(
        'npx',
        [
          'serverless',
          'package',
          '--package',
          dir,
          '--stage',
          'test',
          '--param',
          'slack-mode=bot',
          '--param',
          'slack-admins=U1,U2',
          '--param',
          'slack-channel=#pools',
        ],
        {
          env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
          timeout: 120_000,
        },
      );
      const bot = JSON.parse(
        await readFile(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'),
      ) as Template;
      expect(bot.Parameters?.SlackMode?.Default).toBe('bot');
      const slackActions = resourceIn(bot, 'SlackActionsLambdaFunction');
      const env = (slackActions.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env).toMatchObject({
        POOLWARDEN_SLACK_ADMINS: 'U1,U2',
        POOLWARDEN_SLACK_DEFAULT_CHANNEL: '#pools',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
