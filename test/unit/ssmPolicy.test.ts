import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import middy from '@middy/core';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/wiring/config/loadConfig';
import { Runtime } from '../../lib/wiring/runtime';
import { ssmMiddleware } from '../../lib/wiring/ssmParameters';

const ssm = mockClient(SSMClient);
afterEach(() => ssm.reset());

const PARAMETER = '/poolwarden/test/policy';
const silent = { info: () => {}, warn: () => {}, error: () => {}, count: () => {} };

/** What @middy/ssm puts on the context when the policy parameter holds `text`. */
const contextWithPolicy = async (text: string): Promise<object> => {
  ssm
    .on(GetParametersCommand)
    .resolves({ Parameters: [{ Name: PARAMETER, Value: text }], InvalidParameters: [] });
  let seen: object = {};
  const handler = middy(async (_event: unknown, context: object) => {
    seen = context;
  }).use(ssmMiddleware({ poolwardenPolicy: PARAMETER }) ?? { before: async () => {} });
  await handler({}, { getRemainingTimeInMillis: () => 30_000 } as never);
  return seen;
};

describe('the policy parameter, as @middy/ssm hands it over', () => {
  // One case: @middy/ssm keeps what it fetched for a minute, in the module (a YAML policy's path
  // is the plain string's, which the other tests take).
  it('a policy published as JSON is the policy the functions run, not dropped', async () => {
    const text = '{"version": 1, "defaults": {"dryRun": true}}';
    const runtime = new Runtime({
      config: loadConfig({ POOLWARDEN_TABLE: 'poolwarden-test-ledger', POOLWARDEN_POLICY_PARAM: PARAMETER }),
      telemetry: silent,
    });
    expect(runtime.setup().policy.defaults.dryRun).toBe(false);
    runtime.refresh(await contextWithPolicy(text), {});
    expect(runtime.setup().policy.defaults.dryRun).toBe(true);
  });
});
