import { sweepAccounts } from '../lib/app/sweepAccounts';
import { lambdaHandler, type RuntimeBuilder } from '../lib/wiring/lambdaHandler';
import { lambdaRuntime, lambdaSsmFetchData } from '../lib/wiring/lambdaRuntime';

/** Scheduled every minute: reconcile the Available pools of every account with SageMaker and apply the policy. */
export const createHandler = (buildRuntime: RuntimeBuilder, fetchData: Record<string, string> = {}) =>
  lambdaHandler('sweep', buildRuntime, fetchData, async (_event: unknown, context, runtime, telemetry) => {
    const report = await sweepAccounts(runtime.sweepAccountsDeps(() => context.getRemainingTimeInMillis()));
    telemetry.info('sweep finished', { ...report });
    return report;
  });

export const handler = createHandler(lambdaRuntime, lambdaSsmFetchData());
