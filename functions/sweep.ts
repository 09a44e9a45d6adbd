import { sweepAccounts } from '../lib/app/sweepAccounts';
import { scheduledAtMs } from '../lib/events/scheduledEvent';
import { lambdaHandler, type RuntimeBuilder } from '../lib/wiring/lambdaHandler';
import { lambdaRuntime, lambdaSsmFetchData } from '../lib/wiring/lambdaRuntime';

/** `{"reconcile": true}` lists SageMaker's pools now, whatever the reconcile period says. */
const asksToReconcile = (event: unknown): boolean =>
  typeof event === 'object' && event !== null && 'reconcile' in event && event.reconcile === true;

/** Scheduled every minute: reconcile the Available pools of every account with SageMaker and apply the policy. */
export const createHandler = (buildRuntime: RuntimeBuilder, fetchData: Record<string, string> = {}) =>
  lambdaHandler('sweep', buildRuntime, fetchData, async (event: unknown, context, runtime, telemetry) => {
    const remainingMs = () => context.getRemainingTimeInMillis();
    const report = await runtime.noticesEndWithin(remainingMs, () =>
      sweepAccounts(runtime.sweepAccountsDeps(remainingMs, asksToReconcile(event), scheduledAtMs(event))),
    );
    telemetry.info('sweep finished', { ...report });
    return report;
  });

export const handler = createHandler(lambdaRuntime, lambdaSsmFetchData());
