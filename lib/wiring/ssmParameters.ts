import { SSMClient } from '@aws-sdk/client-ssm';
import ssm from '@middy/ssm';
import type { PolicyConfig } from '../config';
import type { NotifyConfig } from '../notify/notifyConfig';
import { slackSsmFetchData } from '../notify/slackSecrets';
import { POLICY_CONTEXT_KEYS } from './runtime';

/** How long fetched parameters are reused: a flipped kill switch takes effect within a minute. */
const PARAMETER_CACHE_MS = 60_000;

/** The SSM parameters a function reads at run time: Slack secrets, the policy, the kill switch. */
export const ssmFetchData = (notify: NotifyConfig, policy: PolicyConfig): Record<string, string> => ({
  ...slackSsmFetchData(notify.slack),
  ...(policy.policyParam ? { [POLICY_CONTEXT_KEYS.policy]: policy.policyParam } : {}),
  ...(policy.killSwitchParam ? { [POLICY_CONTEXT_KEYS.killSwitch]: policy.killSwitchParam } : {}),
});

/**
 * @middy/ssm, fetching SecureStrings decrypted, cached, onto the context (never into the
 * environment, never logged); undefined when there is nothing to fetch (the local stack).
 */
export const ssmMiddleware = (fetchData: Record<string, string>) =>
  Object.keys(fetchData).length === 0
    ? undefined
    : ssm({
        AwsClient: SSMClient,
        fetchData,
        setToContext: true,
        cacheKey: 'poolwarden-ssm',
        cacheExpiry: PARAMETER_CACHE_MS,
      });
