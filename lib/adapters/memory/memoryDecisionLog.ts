import { historyDay } from '../../domain/historyDay';
import type { DecisionLog, DecisionRecord } from '../../ports/decisionLog';
import type { Page } from '../../ports/ledger';

/** The decision log in memory, with DynamoDecisionLog's rules; for tests and the benchmarks. */
export class MemoryDecisionLog implements DecisionLog {
  private readonly decisions: DecisionRecord[] = [];
  private readonly keys = new Set<string>();

  all(): readonly DecisionRecord[] {
    return this.decisions;
  }

  async record(decision: DecisionRecord): Promise<boolean> {
    const key = `${decision.job}\u0000${decision.dedupeKey}`;
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    this.decisions.push(decision);
    return true;
  }

  async decisionsOf(job: string): Promise<DecisionRecord[]> {
    return this.decisions.filter((d) => d.job === job).sort((a, b) => a.atMs - b.atMs);
  }

  async decisionsOn(day: string, limit: number, cursor?: string): Promise<Page<DecisionRecord>> {
    const all = this.decisions.filter((d) => historyDay(d.atMs) === day).sort((a, b) => a.atMs - b.atMs);
    const start = cursor ? Number(cursor) : 0;
    const items = all.slice(start, start + limit);
    return start + limit < all.length ? { items, cursor: String(start + limit) } : { items };
  }
}
