import { loadCoreConfig, loadPolicyConfig } from '../config';
import { loadNotifyConfig } from '../notify/notifyConfig';
import type { Telemetry } from '../ports/telemetry';
import { Runtime } from './runtime';
import { ssmFetchData } from './ssmParameters';

/** The runtime of a deployed function, from its environment; a bad variable fails the cold start, named. */
export const lambdaRuntime = (
  telemetry: Telemetry,
  env: Readonly<Record<string, string | undefined>> = process.env,
) =>
  new Runtime({
    core: loadCoreConfig(env),
    notify: loadNotifyConfig(env),
    policy: loadPolicyConfig(env),
    telemetry,
  });

/** What the ssm middleware must fetch for a deployed function, read from the same environment. */
export const lambdaSsmFetchData = (env: Readonly<Record<string, string | undefined>> = process.env) =>
  ssmFetchData(loadNotifyConfig(env), loadPolicyConfig(env));
