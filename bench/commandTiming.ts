import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/** A poolwarden command timed as a user runs it: a fresh `node bin/poolwarden.js …` process. */
export interface CommandTiming {
  readonly label: string;
  readonly runs: number;
  readonly medianSeconds: number;
  /** User + system CPU of the command's process, median: what load on a shared machine inflates least. */
  readonly medianCpuSeconds: number;
  /** 0: no target. */
  readonly targetSeconds: number;
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** A module the timed process loads first: it writes its own CPU time to `file` as it exits. */
const cpuAtExit = (file: string): string =>
  `data:text/javascript,${encodeURIComponent(
    `import { writeFileSync } from 'node:fs'; process.on('exit', () => { const u = process.cpuUsage(); writeFileSync(${JSON.stringify(file)}, String((u.user + u.system) / 1e6)); });`,
  )}`;

/** What `npm start` runs (package.json): Node's flags, then the arguments after bin/poolwarden.js. */
export const npmStartCommand = (): { nodeFlags: string[]; args: string[] } => {
  const script = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts
    .start;
  const words = script.split(/\s+/);
  const bin = words.indexOf('bin/poolwarden.js');
  if (words[0] !== 'node' || bin < 0)
    throw new Error(`package.json: scripts.start is not "node … bin/poolwarden.js …": ${script}`);
  return { nodeFlags: words.slice(1, bin), args: words.slice(bin + 1) };
};

export const timeCommand = (
  label: string,
  args: readonly string[],
  runs: number,
  targetSeconds: number,
  nodeFlags: readonly string[] = [],
): CommandTiming => {
  const seconds: number[] = [];
  const cpuSeconds: number[] = [];
  const folder = mkdtempSync(join(tmpdir(), 'poolwarden-timing-'));
  try {
    for (let i = 0; i < runs; i++) {
      const cpuFile = join(folder, `cpu-${i}`);
      const started = performance.now();
      execFileSync(
        process.execPath,
        [...nodeFlags, '--import', cpuAtExit(cpuFile), 'bin/poolwarden.js', ...args],
        {
          stdio: 'ignore',
          timeout: 600_000,
        },
      );
      seconds.push((performance.now() - started) / 1000);
      cpuSeconds.push(Number(readFileSync(cpuFile, 'utf8')));
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  return { label, runs, medianSeconds: median(seconds), medianCpuSeconds: median(cpuSeconds), targetSeconds };
};
