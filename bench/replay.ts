/**
 * `npm run bench:replay [-- JOBS] [--ledger memory]`: replays a generated trace of JOBS jobs
 * (default 10,000) through the whole local stack (the real functions and SDK clients, in process,
 * against dynalite, or the memory adapters with `--ledger memory`, and the emulators; sweeps at
 * next-event time) and prints jobs per second against the target: 60 s with dynalite, 15 s in memory.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { runLocal } from '../devtools/local/runLocal';
import { generateTrace } from '../devtools/local/trace/generateTrace';
import { readPolicyFile } from '../lib/policyFile/readPolicyFile';

const args = process.argv.slice(2);
const ledgerFlag = args.indexOf('--ledger');
const ledger = ledgerFlag >= 0 ? args[ledgerFlag + 1] : 'dynamodb';
// Without --ledger, every argument is positional (index -1 + 1 would drop the first).
const positional = ledgerFlag >= 0 ? args.filter((_, i) => i !== ledgerFlag && i !== ledgerFlag + 1) : args;
const wanted = Number(positional[0] ?? 10_000);
if (!Number.isInteger(wanted) || wanted < 1 || (ledger !== 'dynamodb' && ledger !== 'memory')) {
  console.error('usage: npm run bench:replay [-- JOBS] [--ledger dynamodb|memory]');
  process.exit(2);
}
const targetSeconds = ledger === 'memory' ? 15 : 60;
// The generator scales by activity, not by count: grow the scale until the trace is big enough.
let scale = 1;
let trace = generateTrace({ seed: 2026, start: '2026-01-05T00:00:00Z', days: 28, scale, workload: 'mixed' });
while (trace.length < wanted) {
  scale *= 1.5;
  trace = generateTrace({ seed: 2026, start: '2026-01-05T00:00:00Z', days: 28, scale, workload: 'mixed' });
}
trace = trace.slice(0, wanted);
const policy = await readPolicyFile('examples/policy.yaml');
console.log(
  `replaying ${trace.length} jobs, ledger ${ledger}, on ${cpus().length} cores (Node ${process.version})…`,
);
// The code measured is the code checked out when the run starts.
const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
const cpuBefore = process.cpuUsage();
const { report, wallSeconds } = await runLocal({ trace, policy, ledger });
const cpu = process.cpuUsage(cpuBefore);
console.log(
  `${trace.length} jobs in ${wallSeconds.toFixed(1)} s: ${(trace.length / wallSeconds).toFixed(1)} jobs/s ` +
    `(${report.delivery.deliveries} events, ${report.delivery.sweeps} sweeps; ledger matches SageMaker: ${report.check.ledgerMatchesEmulator})`,
);
// Kept for bench/results.md (npm run bench reads it: a 10,000-job replay is too long for its budget).
const RESULTS = 'bench/replay-results.json';
const previous = JSON.parse(await readFile(RESULTS, 'utf8').catch(() => '{}')) as Record<string, unknown>;

await writeFile(
  RESULTS,
  `${JSON.stringify(
    {
      ...previous,
      [`${trace.length}:${ledger}`]: {
        date: new Date().toISOString(),
        commit,
        jobs: trace.length,
        ledger,
        wallSeconds,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        loadAverage: loadavg()[0],
        events: report.delivery.deliveries,
        sweeps: report.delivery.sweeps,
        ledgerMatchesEmulator: report.check.ledgerMatchesEmulator,
        targetSeconds,
      },
    },
    null,
    2,
  )}\n`,
);
console.log(
  wallSeconds <= targetSeconds ? `target (${targetSeconds} s) met` : `target (${targetSeconds} s) NOT met`,
);
