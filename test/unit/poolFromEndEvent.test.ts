import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../devtools/local/runtime/virtualClock';
import { MemoryLedger } from '../../lib/adapters/memory/memoryLedger';
import { poolFromEndEvent, RUNNING_JOBS_READ } from '../../lib/app/poolFromEndEvent';
import type { JobRecord } from '../../lib/domain/jobRecord';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../lib/domain/keepAlive';
import type { JobSnapshot } from '../../lib/domain/trainingJob';
import { sampleSnapshot } from '../support/sampleCriteria';

const NOW = Date.parse('2026-03-02T12:00:00Z');

/** `second` took `first`'s pool at its start and completed 2 s ago. */
const world = async () => {
  const ledger = new MemoryLedger();
  const deps = { ledger, clock: new VirtualClock(NOW), limits: DEFAULT_KEEP_ALIVE_LIMITS };
  const end = sampleSnapshot('second', NOW, { endedAtMs: NOW - 2_000, startedAtMs: NOW - 600_000 });
  await ledger.recordSnapshot({ ...end, status: 'InProgress', lastModifiedMs: NOW - 600_000 });
  await ledger.linkReuse('first', 'second', { poolId: 'first', bornAtMs: NOW - 3_600_000 });
  const write = await ledger.recordSnapshot(end);
  const record: JobRecord = write.record;
  const running = (name: string, overrides: Partial<JobSnapshot> = {}) =>
    ledger.recordSnapshot(
      sampleSnapshot(name, NOW, { status: 'InProgress', lastModifiedMs: NOW - 1_000, ...overrides }),
    );
  return { deps, end, record, running };
};

describe('poolFromEndEvent: a warm start ending on time, without a describe', () => {
  it('answers what the describe would: Available since the end, for the keep-alive', async () => {
    const { deps, end, record } = await world();
    expect(await poolFromEndEvent(deps, record, end)).toMatchObject({
      name: 'second',
      status: 'Completed',
      endedAtMs: NOW - 2_000,
      keepAliveSeconds: 1800,
      warmPool: { status: 'Available' },
    });
  });

  it('a matching job running since before the end could not have taken the pool', async () => {
    const { deps, end, record, running } = await world();
    await running('busy', { startedAtMs: NOW - 300_000 });
    expect(await poolFromEndEvent(deps, record, end)).toBeDefined();
  });

  it('a matching job not started, or started since the end, may have taken it: described', async () => {
    const starting = await world();
    await starting.running('starting');
    expect(await poolFromEndEvent(starting.deps, starting.record, starting.end)).toBeUndefined();
    const started = await world();
    await started.running('started', { startedAtMs: NOW - 1_000 });
    expect(await poolFromEndEvent(started.deps, started.record, started.end)).toBeUndefined();
  });

  it('a job linked to another pool, or of another key, took nothing of this one', async () => {
    const { deps, end, record, running } = await world();
    await running('other-key', { matchKey: 'another key' });
    await running('linked');
    await deps.ledger.linkReuse('elsewhere', 'linked', { poolId: 'elsewhere', bornAtMs: NOW - 60_000 });
    expect(await poolFromEndEvent(deps, record, end)).toBeDefined();
  });

  it('more running jobs than one read: described, whatever they are', async () => {
    const { deps, end, record, running } = await world();
    for (let i = 0; i <= RUNNING_JOBS_READ; i++) await running(`other-${i}`, { matchKey: 'another key' });
    expect(await poolFromEndEvent(deps, record, end)).toBeUndefined();
  });

  it("a job's first pool is described (the ledger holds no pool it took)", async () => {
    const { deps, end } = await world();
    const cold: JobRecord = { name: 'cold', job: { ...end, name: 'cold' } };
    expect(await poolFromEndEvent(deps, cold, { ...end, name: 'cold' })).toBeUndefined();
  });
});
