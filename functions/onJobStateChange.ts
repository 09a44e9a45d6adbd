import { processJobStateChange } from '../lib/app/processJobStateChange';
import { lambdaHandler, type RuntimeBuilder } from '../lib/wiring/lambdaHandler';
import { lambdaRuntime, lambdaSsmFetchData } from '../lib/wiring/lambdaRuntime';

/**
 * EventBridge target for `SageMaker Training Job State Change`: records the event in the
 * ledger, then lets the notifications and the policy react; asks for a sweep at the next minute
 * when the event may change what a sweep sees (app/sweepWakes.ts); then sends what the container owes.
 */
export const createHandler = (buildRuntime: RuntimeBuilder, fetchData: Record<string, string> = {}) =>
  lambdaHandler('onJobStateChange', buildRuntime, fetchData, async (event: unknown, context, runtime) => {
    const remainingMs = () => context.getRemainingTimeInMillis();
    return runtime.noticesEndWithin(remainingMs, async () => {
      const outcome = await runtime.wakeNextIfThrows(() =>
        processJobStateChange(event, runtime.ingestDeps()),
      );
      await runtime.askWakeAfterEvent(outcome);
      await runtime.sendOwedNotices(remainingMs);
      return outcome;
    });
  });

export const handler = createHandler(lambdaRuntime, lambdaSsmFetchData());
