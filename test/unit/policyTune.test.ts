import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/runCli';

describe('poolwarden policy tune', () => {
  it('writes a commented policy file with the before/after table that policy validate accepts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tune-'));
    const trace = join(dir, 'history.jsonl');
    // Two days of the bundled team week: enough to split in time.
    const lines = (await readFile('examples/team-week.jsonl', 'utf8'))
      .split('\n')
      .filter((l) => l.includes('2026-03-02') || l.includes('2026-03-03'));
    await writeFile(trace, `${lines.join('\n')}\n`);
    const out = join(dir, 'tuned.yaml');
    const tuned = await runCli(['policy', 'tune', '--trace', trace, '--waiting-value', '60', '--out', out]);
    expect(tuned.code).toBe(0);
    expect(tuned.out).toContain('after (tuned)');
    const text = await readFile(out, 'utf8');
    expect(text).toMatch(/^# Written by `poolwarden policy tune`/);
    expect(text).toContain('# before (the given policy)');
    expect(text).toContain('# oracle');
    const validated = await runCli(['policy', 'validate', out]);
    expect(validated.code).toBe(0);
    expect(validated.out).toContain('valid');
  }, 60_000);
});
