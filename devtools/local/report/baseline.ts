import { hourlyPrice, instanceCostUsd, type PriceTable } from '../../../lib/domain/prices';
import type { TraceJob } from '../../../lib/trace/traceJob';
import { submissionOf } from '../runtime/traceSubmission';
import { VirtualClock } from '../runtime/virtualClock';
import { WarmPoolModel } from '../sagemaker/warmPoolModel';

/** What a trace costs with every job's own keep-alive and nothing acting on the pools. */
export interface BaselineOutcome {
  readonly reuses: number;
  readonly coldStarts: number;
  readonly idleBillableSeconds: number;
  readonly idleCostUsd: number;
}

/**
 * Replays the trace through the emulator alone: SageMaker as it behaves without poolwarden.
 * The local stack's summary sets its own outcome against this.
 */
export const replayWithoutPoolwarden = (
  trace: readonly TraceJob[],
  quotas: Readonly<Record<string, number>>,
  prices: PriceTable,
): BaselineOutcome => {
  const sorted = [...trace].sort((a, b) => a.submitAtMs - b.submitAtMs);
  const clock = new VirtualClock(sorted[0]?.submitAtMs ?? 0);
  const model = new WarmPoolModel({ clock, quotas });
  for (const job of sorted) {
    clock.advanceTo(job.submitAtMs);
    model.advanceTo(job.submitAtMs);
    model.submit(submissionOf(job));
  }
  for (let due = model.nextDueAt(); due !== undefined; due = model.nextDueAt()) {
    clock.advanceTo(due);
    model.advanceTo(due);
  }
  const summary = model.summary();
  const idleCostUsd = model
    .inspectPools()
    .reduce(
      (sum, pool) =>
        sum +
        instanceCostUsd(
          pool.idleBillableSeconds,
          pool.instanceCount,
          hourlyPrice(prices, pool.instanceType) ?? 0,
        ),
      0,
    );
  return {
    reuses: summary.reuses,
    coldStarts: summary.coldStarts,
    idleBillableSeconds: summary.idleBillableSeconds,
    idleCostUsd: Math.round(idleCostUsd * 100) / 100,
  };
};
