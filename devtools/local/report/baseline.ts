import { locationLabel } from '../../../lib/domain/jobLocation';
import { hourlyPrice, instanceCostUsd, type PriceTable } from '../../../lib/domain/prices';
import type { TraceJob } from '../../../lib/trace/traceJob';
import { LOCAL_HOME } from '../../../lib/wiring/localStack';
import { locationOf, submissionOf } from '../runtime/traceSubmission';
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
  // One SageMaker per account and region, as in the local stack: pools and quotas never cross them.
  const models = new Map<string, WarmPoolModel>();
  for (const job of sorted) {
    const location = locationOf(job, LOCAL_HOME);
    let model = models.get(locationLabel(location));
    if (!model) {
      model = new WarmPoolModel({ clock, quotas, accountId: location.account, region: location.region });
      models.set(locationLabel(location), model);
    }
    clock.advanceTo(job.submitAtMs);
    for (const m of models.values()) m.advanceTo(job.submitAtMs);
    model.submit(submissionOf(job));
  }
  const nextDue = () =>
    Math.min(...[...models.values()].map((m) => m.nextDueAt() ?? Number.POSITIVE_INFINITY));
  for (let due = nextDue(); Number.isFinite(due); due = nextDue()) {
    clock.advanceTo(due);
    for (const m of models.values()) m.advanceTo(due);
  }
  const all = [...models.values()];
  const summaries = all.map((m) => m.summary());
  const summary = {
    reuses: summaries.reduce((n, s) => n + s.reuses, 0),
    coldStarts: summaries.reduce((n, s) => n + s.coldStarts, 0),
    idleBillableSeconds: summaries.reduce((n, s) => n + s.idleBillableSeconds, 0),
  };
  const idleCostUsd = all
    .flatMap((m) => m.inspectPools().map((pool) => ({ ...pool, region: m.options.region })))
    .reduce(
      (sum, pool) =>
        sum +
        instanceCostUsd(
          pool.idleBillableSeconds,
          pool.instanceCount,
          hourlyPrice(prices, pool.instanceType, pool.region) ?? 0,
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
