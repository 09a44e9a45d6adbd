import { quotaAllows } from './warmPoolRules';

/**
 * The account's "<type> for training warm pool usage" quotas and what the pools hold against
 * them. A pool holds its instances from the moment it is first Available until it is
 * Terminated, whether Available or InUse in between.
 */
export class WarmPoolQuota {
  private readonly held = new Map<string, number>();

  constructor(
    private readonly quotas: Readonly<Record<string, number>>,
    private readonly defaultQuota: number,
  ) {}

  quotaOf(instanceType: string): number {
    return Object.hasOwn(this.quotas, instanceType) ? (this.quotas[instanceType] ?? 0) : this.defaultQuota;
  }

  heldBy(instanceType: string): number {
    return this.held.get(instanceType) ?? 0;
  }

  /** Whether a new pool of `instanceCount` instances fits. */
  hasRoomFor(instanceType: string, instanceCount: number): boolean {
    return quotaAllows(this.heldBy(instanceType), instanceCount, this.quotaOf(instanceType));
  }

  acquire(instanceType: string, instanceCount: number): void {
    this.held.set(instanceType, this.heldBy(instanceType) + instanceCount);
  }

  release(instanceType: string, instanceCount: number): void {
    this.held.set(instanceType, Math.max(0, this.heldBy(instanceType) - instanceCount));
  }

  /** Every instance type with a quota or with pools, and how much of it is held. */
  usage(): Record<string, { readonly held: number; readonly quota: number }> {
    const types = new Set([...Object.keys(this.quotas), ...this.held.keys()]);
    const usage: Record<string, { held: number; quota: number }> = {};
    for (const type of [...types].sort())
      usage[type] = { held: this.heldBy(type), quota: this.quotaOf(type) };
    return usage;
  }
}
