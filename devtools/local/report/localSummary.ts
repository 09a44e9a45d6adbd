import type { LocalReport } from './localReport';

/** Seconds as a person says them: `45 s`, `12 min`, `3.4 h`. */
const duration = (seconds: number): string =>
  seconds < 120
    ? `${Math.round(seconds)} s`
    : seconds < 7200
      ? `${Math.round(seconds / 60)} min`
      : `${(seconds / 3600).toFixed(1)} h`;

/** The closing summary of `poolwarden local`, for a person. */
export const printLocalSummary = (
  report: LocalReport,
  wallSeconds: number,
  write: (line: string) => void,
): void => {
  const s = report.summary;
  const d = report.delivery;
  write('');
  write('── summary ─────────────────────────────────────────────');
  write(`jobs                 ${s.jobs} (${s.reuses} reused a warm pool, ${s.coldStarts} cold starts)`);
  write(`startup time saved   ${duration(s.startupSecondsSaved)}`);
  write(
    `idle billable time   ${duration(s.idleBillableSeconds)} of idle warm pools, $${s.idleCostUsd.toFixed(2)}`,
  );
  write(`near misses          ${s.nearMisses}; keep-alive asked but no pool: ${s.keepAliveWithoutPool}`);
  write(`actions              ${s.actions} policy actions; ${s.notifications} notifications sent`);
  const base = s.withoutPoolwarden;
  const saved = s.idleCostSavedUsd;
  write(
    `against own keep-alive idle $${s.idleCostUsd.toFixed(2)} vs $${base.idleCostUsd.toFixed(2)} without poolwarden (${saved >= 0 ? 'saved' : 'cost'} $${Math.abs(saved).toFixed(2)}); cold starts ${s.coldStarts} vs ${base.coldStarts} (${s.extraColdStarts >= 0 ? '+' : ''}${s.extraColdStarts})`,
  );
  const c = s.cost;
  write(
    `cost                 $${c.totalUsd.toFixed(2)} = idle $${c.idleUsd.toFixed(2)} + cold starts $${c.coldStartUsd.toFixed(2)} + waiting $${c.waitingUsd.toFixed(2)} (${c.coldStartPenaltySeconds} s per cold start, waiting at $${c.waitingValuePerHourUsd}/h: compare with poolwarden whatif)`,
  );
  write(
    `events               ${d.eventsPublished} published, ${d.deliveries} delivered (${d.extraCopies} duplicates, ${d.stale} stale), ${d.rejected} rejected, ${d.deadLettered} dead-lettered`,
  );
  write(
    report.check.ledgerMatchesEmulator
      ? 'ledger check         the ledger matches what SageMaker did, job by job'
      : `ledger check         MISMATCH: ${report.check.mismatches.join('; ')}`,
  );
  write(
    `replayed in          ${wallSeconds.toFixed(1)} s (${Math.round(s.jobs / Math.max(wallSeconds, 0.001))} jobs/s)`,
  );
};
