import type { WhatifReport } from '../../../devtools/sim/whatif';
import { table } from '../output/format';

const money = (usd: number): string => `$${usd.toFixed(2)}`;

/** The whatif table for people: one row per policy, priced by the cost model. */
export const whatifText = (report: WhatifReport): string[] => [
  `${report.jobs} jobs; cold start ${report.coldStartPenaltySeconds} s longer than warm; waiting valued at $${report.waitingValuePerHourUsd}/h`,
  '',
  ...table(
    ['policy', 'total', 'idle $', 'cold-start $', 'waiting $', 'cold starts', 'warm starts', '× oracle'],
    report.rows.map((r) => [
      r.label,
      money(r.result.totalUsd),
      money(r.result.idleUsd),
      money(r.result.coldStartUsd),
      money(r.result.waitingUsd),
      String(r.result.coldStarts),
      String(r.result.warmStarts),
      Number.isFinite(r.timesOracle) ? r.timesOracle.toFixed(2) : '-',
    ]),
    [1, 2, 3, 4, 5, 6, 7],
  ),
  '',
  'Assumed:',
  ...report.assumptions.map((a) => `- ${a}`),
  `Replayed in ${report.seconds.toFixed(2)} s.`,
];

/** The same as JSON: stable field names for scripts. */
export const whatifJson = (report: WhatifReport) => ({
  jobs: report.jobs,
  waitingValuePerHourUsd: report.waitingValuePerHourUsd,
  coldStartPenaltySeconds: report.coldStartPenaltySeconds,
  jobsWithoutPool: report.jobsWithoutPool,
  seconds: report.seconds,
  assumptions: report.assumptions,
  rows: report.rows.map((r) => ({
    label: r.label,
    kind: r.kind,
    totalUsd: r.result.totalUsd,
    idleUsd: r.result.idleUsd,
    coldStartUsd: r.result.coldStartUsd,
    waitingUsd: r.result.waitingUsd,
    idleInstanceSeconds: r.result.idleInstanceSeconds,
    coldStarts: r.result.coldStarts,
    warmStarts: r.result.warmStarts,
    updates: r.result.updates,
    timesOracle: Number.isFinite(r.timesOracle) ? r.timesOracle : null,
  })),
});
