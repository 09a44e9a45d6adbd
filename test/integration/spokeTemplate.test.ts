// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation's own ${...} placeholders (Fn::Sub)
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCloudFormationYaml } from '../support/cloudFormationYaml';

const run = promisify(execFile);
const TEMPLATE = 'spoke/poolwarden-spoke.yml';

interface Resource {
  readonly Type: string;
  readonly Condition?: string;
  readonly Properties: Record<string, unknown>;
}
interface Template {
  readonly Parameters: Record<string, unknown>;
  readonly Conditions: Record<string, unknown>;
  readonly Resources: Record<string, Resource>;
}
interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Principal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

let template: Template;
const resource = (name: string): Resource => {
  const found = template.Resources[name];
  if (!found) throw new Error(`the spoke template has no ${name}`);
  return found;
};
const statements = (role: Resource, key: 'Policies' | 'AssumeRolePolicyDocument'): Statement[] =>
  key === 'Policies'
    ? (role.Properties.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>).flatMap(
        (p) => p.PolicyDocument.Statement,
      )
    : (role.Properties.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;

beforeAll(async () => {
  template = parseCloudFormationYaml(await readFile(TEMPLATE, 'utf8')) as Template;
});

/** The spoke stack a StackSet rolls out to every member account and region. */
describe('the spoke template', () => {
  it("lets only the hub's functions (and its operators' role when given), with the external id, assume the role, once per account", () => {
    const hubRoles = {
      'Fn::Sub': 'arn:${AWS::Partition}:iam::${HubAccountId}:role/poolwarden-${HubStage}-*',
    };
    const role = resource('HubAccessRole');
    expect(role.Condition).toBe('CreateRole');
    expect(role.Properties.RoleName).toBe('poolwarden-spoke');
    const [trust, ...others] = statements(role, 'AssumeRolePolicyDocument');
    expect(others).toEqual([]);
    expect(trust).toMatchObject({
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${HubAccountId}:root' } },
      Condition: {
        StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } },
        ArnLike: {
          'aws:PrincipalArn': {
            'Fn::If': ['HasOperatorRole', [hubRoles, { Ref: 'OperatorRoleArn' }], hubRoles],
          },
        },
      },
    });
  });

  it('grants describe, list, update and tags of training jobs, and nothing else', () => {
    const granted = statements(resource('HubAccessRole'), 'Policies');
    expect(granted.every((s) => s.Effect === 'Allow')).toBe(true);
    expect(granted.flatMap((s) => [s.Action].flat()).sort()).toEqual([
      'sagemaker:DescribeTrainingJob',
      'sagemaker:ListTags',
      'sagemaker:ListTrainingJobs',
      'sagemaker:UpdateTrainingJob',
    ]);
    for (const statement of granted) {
      // Only ListTrainingJobs, which names no job, may have no resource.
      if (statement.Resource === '*') expect(statement.Action).toEqual(['sagemaker:ListTrainingJobs']);
      else
        expect(statement.Resource).toEqual({
          'Fn::Sub': 'arn:${AWS::Partition}:sagemaker:*:${AWS::AccountId}:training-job/*',
        });
    }
  });

  it("forwards SageMaker's training-job state changes to the hub's bus, except in the hub itself", () => {
    const rule = resource('ForwardTrainingJobEvents');
    expect(rule.Condition).toBe('Forward');
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.sagemaker'],
      'detail-type': ['SageMaker Training Job State Change'],
    });
    const hubBus = {
      'Fn::Sub': 'arn:${AWS::Partition}:events:${HubRegion}:${HubAccountId}:event-bus/default',
    };
    expect(rule.Properties.Targets).toEqual([
      { Id: 'poolwarden-hub', Arn: hubBus, RoleArn: { 'Fn::GetAtt': 'ForwardingRole.Arn' } },
    ]);
    expect(statements(resource('ForwardingRole'), 'Policies')).toEqual([
      { Effect: 'Allow', Action: ['events:PutEvents'], Resource: hubBus },
    ]);
  });

  it('passes cfn-lint where it is installed', async (context) => {
    const lint = await run('cfn-lint', ['--version']).catch(() => undefined);
    if (!lint) {
      console.warn('cfn-lint is not installed: the spoke template was checked by the rules above only');
      context.skip();
    }
    const result = await run('cfn-lint', [TEMPLATE]).catch((error: { stdout?: string }) => error);
    expect('stdout' in result ? result.stdout : '').toBe('');
  });
});
