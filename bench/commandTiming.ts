import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** A poolwarden command timed as a user runs it: a fresh `node bin/poolwarden.js …` process. */
export interface CommandTiming {
  readonly label: string;
  readonly runs: number;
  readonly medianSeconds: number;
  /** 0: no target. */
  readonly targetSeconds: number;
}

export const timeCommand = (
  label: string,
  args: readonly string[],
  runs: number,
  targetSeconds: number,
): CommandTiming => {
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    execFileSync(process.execPath, ['bin/poolwarden.js', ...args], { stdio: 'ignore', timeout: 600_000 });
    seconds.push((performance.now() - started) / 1000);
  }
  seconds.sort((a, b) => a - b);
  return { label, runs, medianSeconds: seconds[Math.floor(seconds.length / 2)] ?? Number.NaN, targetSeconds };
};
