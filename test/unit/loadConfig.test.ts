import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/wiring/config/configError';
import { loadConfig, readConfig, requireSigningSecret } from '../../lib/wiring/config/loadConfig';
import { parseSwitch } from '../../lib/wiring/config/variables';
import { Runtime } from '../../lib/wiring/runtime';
import { ssmFetchData } from '../../lib/wiring/ssmParameters';

const TABLE = { POOLWARDEN_TABLE: 'poolwarden-test-ledger' };

const problemsOf = (env: Record<string, string>): string[] => {
  const result = readConfig(env);
  if (result.ok) return [];
  if (result.error instanceof ConfigError) return [...result.error.problems];
  throw result.error;
};

describe('the one configuration', () => {
  it('reads every section from one environment, with the documented defaults', () => {
    const config = loadConfig(TABLE);
    expect(config.core.tableName).toBe('poolwarden-test-ledger');
    expect(config.core.limits).toEqual({ perCallCapSeconds: 3600, lifetimeCapSeconds: 2_419_200 });
    expect(config.policy).toEqual({
      killSwitch: false,
      sweepConcurrency: 4,
      reconcileEveryMs: 15 * 60_000,
      longestReconcileEveryMs: 60 * 60_000,
      idleLongestReconcileEveryMs: 240 * 60_000,
      fullReconcileEveryMs: 168 * 3_600_000,
      catchUpEveryMs: 10_000,
      endWatch: { minUsdPerHour: Number.POSITIVE_INFINITY, marginSeconds: 300, maxDescribesPerJob: 30 },
    });
    expect(config.notify.retentionDays).toBe(35);
    expect(config.slackActions).toMatchObject({
      snoozeSeconds: 3600,
      replyTimeoutMs: 1000,
      notifyBudgetMs: 1200,
    });
    expect(config.slackActions.admins.size).toBe(0);
  });

  it('reads the member accounts and regions to reconcile, naming the variable and the bad item', () => {
    expect(loadConfig(TABLE).spokes.members).toEqual([]);
    const config = loadConfig({
      ...TABLE,
      POOLWARDEN_MEMBER_LOCATIONS: '111122223333/us-east-1, 444455556666/eu-west-1,111122223333/us-east-1',
    });
    expect(config.spokes.members).toEqual([
      { account: '111122223333', region: 'us-east-1' },
      { account: '444455556666', region: 'eu-west-1' },
    ]);
    expect(loadConfig({ ...TABLE, POOLWARDEN_MEMBER_LOCATIONS: '' }).spokes.members).toEqual([]);
    expect(
      problemsOf({
        ...TABLE,
        POOLWARDEN_MEMBER_LOCATIONS: '111122223333/us-east-1,1111/us-east-1,111122223333',
      }),
    ).toEqual([
      'POOLWARDEN_MEMBER_LOCATIONS: "1111/us-east-1" must be a 12-digit account id and a region, such as 123456789012/us-east-1',
      'POOLWARDEN_MEMBER_LOCATIONS: "111122223333" must be a 12-digit account id and a region, such as 123456789012/us-east-1',
    ]);
  });

  it('reads the end watch: an hourly price or off, naming a bad value', () => {
    const watch = (env: Record<string, string>) => loadConfig({ ...TABLE, ...env }).policy.endWatch;
    expect(watch({ POOLWARDEN_END_WATCH_USD_PER_HOUR: '20.5' }).minUsdPerHour).toBe(20.5);
    expect(watch({ POOLWARDEN_END_WATCH_USD_PER_HOUR: 'OFF' }).minUsdPerHour).toBe(Number.POSITIVE_INFINITY);
    expect(watch({ POOLWARDEN_END_WATCH_DESCRIBES_PER_JOB: '60' }).maxDescribesPerJob).toBe(60);
    expect(
      problemsOf({
        ...TABLE,
        POOLWARDEN_END_WATCH_USD_PER_HOUR: 'cheap',
        POOLWARDEN_END_WATCH_DESCRIBES_PER_JOB: '0',
      }),
    ).toEqual([
      'POOLWARDEN_END_WATCH_USD_PER_HOUR: must be an hourly price in USD (0 or more) or off',
      'POOLWARDEN_END_WATCH_DESCRIBES_PER_JOB: must be at least 1',
    ]);
  });

  it('reads how often a sweep lists within its invocation while end events run late: seconds or off', () => {
    const policy = (env: Record<string, string>) => loadConfig({ ...TABLE, ...env }).policy;
    expect(policy({}).catchUpEveryMs).toBe(10_000);
    expect(policy({ POOLWARDEN_CATCH_UP_SECONDS: '15' }).catchUpEveryMs).toBe(15_000);
    expect('catchUpEveryMs' in policy({ POOLWARDEN_CATCH_UP_SECONDS: 'off' })).toBe(false);
    expect(problemsOf({ ...TABLE, POOLWARDEN_CATCH_UP_SECONDS: '60' })).toEqual([
      'POOLWARDEN_CATCH_UP_SECONDS: must be a whole number of seconds from 1 to 30, or off',
    ]);
  });

  it('reads the longest reconcile period: 60 minutes, or the base when longer, never below the base', () => {
    const policy = (env: Record<string, string>) => loadConfig({ ...TABLE, ...env }).policy;
    expect(policy({ POOLWARDEN_RECONCILE_MAX_MINUTES: '240' }).longestReconcileEveryMs).toBe(240 * 60_000);
    expect(policy({ POOLWARDEN_RECONCILE_MAX_MINUTES: '15' }).longestReconcileEveryMs).toBe(15 * 60_000);
    expect(policy({ POOLWARDEN_RECONCILE_MINUTES: '90' }).longestReconcileEveryMs).toBe(90 * 60_000);
    expect(problemsOf({ ...TABLE, POOLWARDEN_RECONCILE_MAX_MINUTES: '10' })).toEqual([
      'POOLWARDEN_RECONCILE_MAX_MINUTES: is 10; it must be at least POOLWARDEN_RECONCILE_MINUTES (15)',
    ]);
  });

  it('reads the longest period while no dear job runs: 240 minutes by default, the longest when that is set, never below it', () => {
    const policy = (env: Record<string, string>) => loadConfig({ ...TABLE, ...env }).policy;
    expect(policy({}).idleLongestReconcileEveryMs).toBe(240 * 60_000);
    // A longest set on its own (a fixed period, say) is not stretched past.
    expect(policy({ POOLWARDEN_RECONCILE_MAX_MINUTES: '15' }).idleLongestReconcileEveryMs).toBe(15 * 60_000);
    expect(policy({ POOLWARDEN_RECONCILE_MINUTES: '300' }).idleLongestReconcileEveryMs).toBe(300 * 60_000);
    expect(
      policy({ POOLWARDEN_RECONCILE_MAX_MINUTES: '90', POOLWARDEN_RECONCILE_IDLE_MAX_MINUTES: '480' })
        .idleLongestReconcileEveryMs,
    ).toBe(480 * 60_000);
    expect(problemsOf({ ...TABLE, POOLWARDEN_RECONCILE_IDLE_MAX_MINUTES: '30' })).toEqual([
      'POOLWARDEN_RECONCILE_IDLE_MAX_MINUTES: is 30; it must be at least POOLWARDEN_RECONCILE_MAX_MINUTES (60)',
    ]);
  });

  it('names the missing table and every other problem at once', () => {
    expect(problemsOf({ POOLWARDEN_KILL_SWITCH: 'maybe', POOLWARDEN_POLICY_PARAM: 'policy' })).toEqual([
      'POOLWARDEN_TABLE: Invalid input: expected string, received undefined',
      'POOLWARDEN_KILL_SWITCH: must be on or off',
      'POOLWARDEN_POLICY_PARAM: must be an SSM parameter name such as /poolwarden/prod/policy',
    ]);
  });

  it('reads the kill switch with one grammar, in the environment and in its SSM parameter', () => {
    expect(loadConfig({ ...TABLE, POOLWARDEN_KILL_SWITCH: 'on' }).policy.killSwitch).toBe(true);
    expect(loadConfig({ ...TABLE, POOLWARDEN_KILL_SWITCH: 'OFF' }).policy.killSwitch).toBe(false);
    expect([' on\n', 'true', 'off', 'False', 'yes', ''].map(parseSwitch)).toEqual([
      true,
      true,
      false,
      false,
      undefined,
      undefined,
    ]);
  });

  it('fetches the signing secret only for the Slack actions function, which cannot run without one', () => {
    const config = loadConfig({
      ...TABLE,
      POOLWARDEN_POLICY_PARAM: '/poolwarden/test/policy',
      POOLWARDEN_SLACK_SIGNING_SECRET_PARAM: '/poolwarden/test/slack-signing-secret',
    });
    expect(ssmFetchData(config, { signingSecret: false })).toEqual({
      poolwardenPolicy: '/poolwarden/test/policy',
    });
    expect(ssmFetchData(config, { signingSecret: true })).toEqual({
      poolwardenPolicy: '/poolwarden/test/policy',
      slackSigningSecret: '/poolwarden/test/slack-signing-secret',
    });
    expect(() => requireSigningSecret(config.slackActions)).not.toThrow();
    expect(() => requireSigningSecret(loadConfig(TABLE).slackActions)).toThrow(
      /POOLWARDEN_SLACK_SIGNING_SECRET_PARAM: the Slack actions endpoint needs/,
    );
  });

  it('takes the kill switch from its SSM parameter at each invocation; an unreadable value changes nothing', () => {
    const errors: string[] = [];
    const telemetry = {
      info: () => {},
      warn: () => {},
      error: (m: string) => void errors.push(m),
      count: () => {},
    };
    const runtime = new Runtime({ config: loadConfig(TABLE), telemetry });
    expect(runtime.setup().killSwitch).toBe(false);
    runtime.refresh({ poolwardenKillSwitch: 'on' }, {});
    expect(runtime.setup().killSwitch).toBe(true);
    runtime.refresh({ poolwardenKillSwitch: 'maybe' }, {});
    expect(runtime.setup().killSwitch).toBe(true);
    expect(errors).toEqual(['the kill switch parameter is neither on nor off; keeping its last value']);
    runtime.refresh({ poolwardenKillSwitch: 'OFF' }, {});
    expect(runtime.setup().killSwitch).toBe(false);
  });

  it('reads the sweep wakes as all three settings or none: a part of them would leave the sweep to the backstop unnoticed', () => {
    expect(loadConfig(TABLE).policy.wakes).toBeUndefined();
    const wakes = {
      POOLWARDEN_WAKE_GROUP: 'poolwarden-prod',
      POOLWARDEN_WAKE_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:poolwarden-prod-sweep',
      POOLWARDEN_WAKE_ROLE_ARN: 'arn:aws:iam::123456789012:role/poolwarden-prod-SweepWakeRole',
    };
    expect(loadConfig({ ...TABLE, ...wakes }).policy.wakes).toEqual({
      group: 'poolwarden-prod',
      functionArn: wakes.POOLWARDEN_WAKE_FUNCTION_ARN,
      roleArn: wakes.POOLWARDEN_WAKE_ROLE_ARN,
    });
    const { POOLWARDEN_WAKE_ROLE_ARN: _, ...partial } = wakes;
    expect(problemsOf({ ...TABLE, ...partial })).toEqual([
      expect.stringContaining('POOLWARDEN_WAKE_GROUP: the sweep wakes need'),
    ]);
  });
});
