import type { SSMClient } from '@aws-sdk/client-ssm';
import type { PolicyConfig } from './config/config';
import { parseSwitch } from './config/variables';

/**
 * The kill switch as the functions see it, for the ops CLI: its SSM parameter when one is named,
 * else the environment's value; read once, when a command first needs it (it finishes another's
 * pending action). A parameter that cannot be read or parsed counts as on: the click found
 * pending is then recorded as a dry run rather than carried out; the operator's own action is
 * not affected. The SSM client loads only then: every other command starts without it.
 */
export const opsKillSwitch = (
  policy: Pick<PolicyConfig, 'killSwitch' | 'killSwitchParam'>,
  ssm: () => Pick<SSMClient, 'send'> | Promise<Pick<SSMClient, 'send'>>,
): (() => Promise<boolean>) => {
  let read: Promise<boolean> | undefined;
  const fromParameter = async (name: string): Promise<boolean> => {
    try {
      const { GetParameterCommand } = await import('@aws-sdk/client-ssm');
      const { Parameter } = await (await ssm()).send(new GetParameterCommand({ Name: name }));
      return parseSwitch(Parameter?.Value ?? '') ?? true;
    } catch {
      return true;
    }
  };
  return () => {
    const name = policy.killSwitchParam;
    read ??= name ? fromParameter(name) : Promise.resolve(policy.killSwitch);
    return read;
  };
};

export const ssmClient = async (region?: string): Promise<SSMClient> => {
  const { SSMClient } = await import('@aws-sdk/client-ssm');
  return new SSMClient(region ? { region } : {});
};
