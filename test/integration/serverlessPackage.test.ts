import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDEX, KEY, TTL_ATTRIBUTE, tableDefinition } from '../../lib/adapters/dynamo/tableDesign';

const run = promisify(execFile);

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
}

let outDir: string;
let resources: Record<string, Resource>;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'poolwarden-package-'));
  await run('npx', ['serverless', 'package', '--package', outDir, '--stage', 'test'], {
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
    timeout: 120_000,
  });
  const template = JSON.parse(
    await readFile(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'),
  );
  resources = template.Resources;
}, 180_000);

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

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
    const actions = role.flatMap((p) => p.PolicyDocument.Statement.flatMap((st) => [st.Action].flat()));
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
