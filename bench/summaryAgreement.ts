import { execFileSync } from 'node:child_process';

/**
 * The local stack's summary against `poolwarden whatif` on the bundled team week with the example
 * policy: the issue asks that both price a run alike (within 2 %). Both are run as a user runs
 * them, each in its own `node bin/poolwarden.js` process (the CLI must be built).
 */
export interface SummaryAgreement {
  readonly localUsd: number;
  readonly whatifUsd: number;
  /** |local − whatif| ÷ local, in percent. */
  readonly apartPercent: number;
}

const TRACE = 'examples/team-week.jsonl';
const POLICY = 'examples/policy.yaml';

const poolwarden = (args: readonly string[]): unknown =>
  JSON.parse(
    execFileSync(process.execPath, ['bin/poolwarden.js', ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 * 1024 * 1024,
      timeout: 600_000,
    }),
  );

export const runSummaryAgreement = (): SummaryAgreement => {
  const local = poolwarden([
    'local',
    '--trace',
    TRACE,
    '--policy',
    POLICY,
    '--ledger',
    'memory',
    '--json',
  ]) as {
    summary: { cost: { totalUsd: number } };
  };
  const whatif = poolwarden(['whatif', '--trace', TRACE, '--policy', POLICY, '--json']) as {
    rows: { label: string; totalUsd: number }[];
  };
  const localUsd = local.summary.cost.totalUsd;
  const whatifUsd = whatif.rows.find((r) => r.label === POLICY)?.totalUsd ?? Number.NaN;
  return { localUsd, whatifUsd, apartPercent: (100 * Math.abs(localUsd - whatifUsd)) / localUsd };
};
