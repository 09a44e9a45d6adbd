import { MemoryDecisionLog } from '../../adapters/memory/memoryDecisionLog';
import { MemoryLedger } from '../../adapters/memory/memoryLedger';
import { MemoryUsageStats } from '../../adapters/memory/memoryUsageStats';
import { MemoryNotificationLog } from '../../notify/memoryNotificationLog';
import type { RuntimeStores } from '../../wiring/runtime';

/** `--ledger memory`: the memory adapters (the same contract tests as DynamoDB's), shared by every function of the run. */
export interface MemoryStores extends RuntimeStores {
  readonly ledger: MemoryLedger;
}

export const memoryStores = (): MemoryStores => ({
  ledger: new MemoryLedger(),
  decisions: new MemoryDecisionLog(),
  stats: new MemoryUsageStats(),
  notifications: new MemoryNotificationLog(),
});
