import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../lib/wiring/localStack';

/**
 * Points the real AWS SDK clients at the local endpoints through the SDK's own settings, gives
 * the functions their configuration as Lambda would (environment variables), and quiets their
 * logs (the timeline speaks instead). Returns a function that puts the environment back.
 */
export const useLocalAwsEnvironment = (
  endpoints: Readonly<Record<'dynamodb' | 'sagemaker' | 'sns', string | undefined>> & {
    readonly sts?: string;
  },
  options: { verbose?: boolean; settings?: Readonly<Record<string, string | undefined>> } = {},
): (() => void) => {
  const settings: Record<string, string | undefined> = {
    ...options.settings,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SAGEMAKER: endpoints.sagemaker,
    AWS_ENDPOINT_URL_SNS: endpoints.sns,
    AWS_ENDPOINT_URL_STS: endpoints.sts,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // Adaptive retries pace calls by the wall clock; in virtual time (and under --throttle) that
    // only slows the replay down. Standard retries back off the same way, without the pacing.
    AWS_RETRY_MODE: 'standard',
    POWERTOOLS_LOG_LEVEL: options.verbose ? 'DEBUG' : 'ERROR',
    POWERTOOLS_METRICS_DISABLED: options.verbose ? 'false' : 'true',
  };
  const previous = Object.fromEntries(Object.keys(settings).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(settings);
  return () => apply(previous);
};
