import { processJobStateChange } from '../lib/app/processJobStateChange';
import { lambdaHandler, type RuntimeBuilder } from '../lib/wiring/lambdaHandler';
import { lambdaRuntime, lambdaSsmFetchData } from '../lib/wiring/lambdaRuntime';

/**
 * EventBridge target for `SageMaker Training Job State Change`: records the event in the
 * ledger, then lets the notifications and the policy react.
 */
export const createHandler = (buildRuntime: RuntimeBuilder, fetchData: Record<string, string> = {}) =>
  lambdaHandler('onJobStateChange', buildRuntime, fetchData, (event: unknown, _context, runtime) =>
    processJobStateChange(event, runtime.ingestDeps()),
  );

export const handler = createHandler(lambdaRuntime, lambdaSsmFetchData());
