import { sweepAccounts } from '../lib/app/sweepAccounts';
import { scheduledAtMs } from '../lib/events/scheduledEvent';
import { lambdaHandler, type RuntimeBuilder } from '../lib/wiring/lambdaHandler';
import { lambdaRuntime, lambdaSsmFetchData } from '../lib/wiring/lambdaRuntime';

/** `{"reconcile": true}` lists SageMaker's pools now, whatever the reconcile period says. */
const asksToReconcile = (event: unknown): boolean =>
  typeof event === 'object' && event !== null && 'reconcile' in event && event.reconcile === true;

/**
 * Run by its wakes (one-shot EventBridge Scheduler schedules that the functions ask for,
 * app/sweepWakes.ts) and a backstop every reconcile period: reconcile the Available pools of
 * every account with SageMaker and apply the policy, then ask for the wakes its report names.
 */
export const createHandler = (buildRuntime: RuntimeBuilder, fetchData: Record<string, string> = {}) =>
  lambdaHandler('sweep', buildRuntime, fetchData, async (event: unknown, context, runtime, telemetry) => {
    const remainingMs = () => context.getRemainingTimeInMillis();
    const dueAtMs = scheduledAtMs(event);
    const sweptAtMs = dueAtMs ?? runtime.clock.now();
    // A sweep that fails leaves its work to the next minute's, as the one every minute left it.
    const report = await runtime.noticesEndWithin(remainingMs, () =>
      runtime.wakeNextIfThrows(() =>
        sweepAccounts(runtime.sweepAccountsDeps(remainingMs, asksToReconcile(event), dueAtMs)),
      ),
    );
    await runtime.askSweepWakes(report, sweptAtMs);
    telemetry.info('sweep finished', { ...report });
    return report;
  });

export const handler = createHandler(lambdaRuntime, lambdaSsmFetchData());
