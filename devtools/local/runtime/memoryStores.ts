import { MemoryDecisionLog } from '../../../lib/adapters/memory/memoryDecisionLog';
import { MemoryLedger } from '../../../lib/adapters/memory/memoryLedger';
import { MemoryNotificationLog } from '../../../lib/adapters/memory/memoryNotificationLog';
import { MemoryReconcileSchedule } from '../../../lib/adapters/memory/memoryReconcileSchedule';
import { MemoryUsageStats } from '../../../lib/adapters/memory/memoryUsageStats';
import type { RuntimeStores } from '../../../lib/wiring/runtime';

/** `--ledger memory`: the memory adapters (the same contract tests as DynamoDB's), shared by every function of the run. */
export interface MemoryStores extends RuntimeStores {
  readonly ledger: MemoryLedger;
}

export const memoryStores = (): MemoryStores => {
  const schedules = new Map<string, MemoryReconcileSchedule>();
  return {
    ledger: new MemoryLedger(),
    decisions: new MemoryDecisionLog(),
    stats: new MemoryUsageStats(),
    notifications: new MemoryNotificationLog(),
    reconcileSchedule: new MemoryReconcileSchedule(),
    reconcileScheduleOf: (scope) => {
      const schedule = schedules.get(scope) ?? new MemoryReconcileSchedule();
      schedules.set(scope, schedule);
      return schedule;
    },
  };
};
