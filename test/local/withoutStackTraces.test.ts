import { describe, expect, it } from 'vitest';
import { runLocal } from '../../devtools/local/runLocal';
import { withoutStackTraces } from '../../devtools/local/runtime/withoutStackTraces';
import { readTraceFile } from '../../lib/trace/readTraceFile';

describe('a local run without stack traces', () => {
  it('captures none while the work runs, and restores the limit after it, failed or not', async () => {
    const limit = Error.stackTraceLimit;
    const stack = await withoutStackTraces(async () => new Error('no frames').stack);
    expect(stack).toBe('Error: no frames');
    expect(Error.stackTraceLimit).toBe(limit);
    await expect(
      withoutStackTraces(async () => {
        throw new Error('failed');
      }),
    ).rejects.toThrow('failed');
    expect(Error.stackTraceLimit).toBe(limit);
  });

  it('is how a replay runs, but a verbose one (the functions log the stacks of their errors)', async () => {
    const trace = await readTraceFile('examples/reuse-basic.jsonl');
    const limits = new Set<number>();
    await runLocal({
      trace,
      ledger: 'memory',
      killSwitch: true,
      onStep: async () => void limits.add(Error.stackTraceLimit),
    });
    expect([...limits]).toEqual([0]);
    const verbose = new Set<number>();
    await runLocal({
      trace,
      ledger: 'memory',
      killSwitch: true,
      verbose: true,
      onStep: async () => void verbose.add(Error.stackTraceLimit),
    });
    expect([...verbose]).toEqual([Error.stackTraceLimit]);
  });
});
