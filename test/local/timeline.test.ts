import { describe, expect, it } from 'vitest';
import { runLocal } from '../../devtools/local/runLocal';
import { Timeline } from '../../devtools/local/runtime/timeline';
import { readTraceFile } from '../../lib/trace/readTraceFile';

const clock = { now: () => Date.parse('2026-03-02T09:00:00Z') };

describe('the local timeline', () => {
  it('writes each line once, with its instant', () => {
    const lines: string[] = [];
    const timeline = new Timeline(clock, { write: (line) => lines.push(line) });
    timeline.line('a', 'first');
    timeline.line('a', 'first again');
    timeline.line('b', () => 'second');
    expect(lines).toEqual(['Mon 03-02 09:00  first', 'Mon 03-02 09:00  second']);
  });

  it('only counting, counts each line once and makes no text', () => {
    let count = 0;
    const timeline = new Timeline(clock, { count: () => count++ });
    const text = () => {
      throw new Error('a counted line’s text was made');
    };
    timeline.line('a', text);
    timeline.line('a', text);
    timeline.line('b', text);
    expect(count).toBe(2);
  });

  it('counts as many lines in a run as it writes', async () => {
    const trace = await readTraceFile('examples/reuse-basic.jsonl');
    const lines: string[] = [];
    await runLocal({ trace, ledger: 'memory', onLine: (line) => lines.push(line) });
    let counted = 0;
    await runLocal({ trace, ledger: 'memory', onLineCounted: () => counted++ });
    expect(lines.length).toBeGreaterThan(10);
    expect(counted).toBe(lines.length);
  });
});
