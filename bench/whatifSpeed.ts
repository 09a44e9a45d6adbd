import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateTrace } from '../devtools/local/trace/generateTrace';
import { serializeTrace } from '../lib/trace/serializeTrace';
import type { TraceJob } from '../lib/trace/traceJob';
import { timeCommand } from './commandTiming';

/** The 10,000-job trace bench:replay uses: the mixed workload, scaled until it is big enough. */
export const tenThousandJobs = (wanted = 10_000): TraceJob[] => {
  let scale = 1;
  const of = () =>
    generateTrace({ seed: 2026, start: '2026-01-05T00:00:00Z', days: 28, scale, workload: 'mixed' });
  let trace = of();
  while (trace.length < wanted) {
    scale *= 1.5;
    trace = of();
  }
  return trace.slice(0, wanted);
};

export interface WhatifSpeed {
  readonly jobs: number;
  readonly runs: number;
  /** Wall time of the whole command, Node's start included: median of the runs. */
  readonly seconds: number;
  /** User + system CPU of the command's process, all its threads: median of the runs. */
  readonly cpuSeconds: number;
  /** The 1-minute load average before and after the runs: how shared the machine was. */
  readonly loadAverage: readonly [number, number];
}

const RUNS = 3;

/**
 * `poolwarden whatif` on 10,000 jobs with the example policy, timed as a user runs it: the bundled
 * CLI (rebuilt from the sources first) in a fresh process per run, the trace read from a file.
 * The CPU time says what a quiet machine would need at least when others load this one.
 */
export const runWhatifSpeed = (): WhatifSpeed => {
  const trace = tenThousandJobs();
  const folder = mkdtempSync(join(tmpdir(), 'poolwarden-whatif-speed-'));
  try {
    const file = join(folder, 'ten-thousand-jobs.jsonl');
    writeFileSync(file, serializeTrace(trace));
    execFileSync(process.execPath, ['scripts/build.js', '--quiet'], { stdio: 'inherit' });
    const before = loadavg()[0] ?? Number.NaN;
    const timing = timeCommand(
      'whatif',
      ['whatif', '--trace', file, '--policy', 'examples/policy.yaml'],
      RUNS,
      5,
    );
    return {
      jobs: trace.length,
      runs: RUNS,
      seconds: timing.medianSeconds,
      cpuSeconds: timing.medianCpuSeconds,
      loadAverage: [before, loadavg()[0] ?? Number.NaN],
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
};

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) {
  const speed = runWhatifSpeed();
  console.log(
    `whatif: ${speed.jobs} jobs, every policy and baseline, median of ${speed.runs} fresh processes: ${speed.seconds.toFixed(2)} s wall, CPU ${speed.cpuSeconds.toFixed(2)} s (all threads); load average ${speed.loadAverage.map((l) => l.toFixed(1)).join(' → ')}`,
  );
}
