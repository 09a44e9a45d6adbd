import { readFile, writeFile } from 'node:fs/promises';
import { NO_WARM_POOL_QUOTA_TYPES } from '../../../devtools/local/trace/teams';
import { tunePolicy } from '../../../devtools/sim/policyTune';
import { DEFAULT_PRICES } from '../../domain/prices';
import { readPolicyFile } from '../../policyFile/readPolicyFile';
import { readTraceFile } from '../../trace/readTraceFile';
import { CliError, EXIT } from '../exitCodes';

/** The policy `tune` starts from without --policy: the built-in defaults, spelled out. */
const BARE_POLICY = `version: 1
defaults:
  keepAlive:
    strategy: adaptive
`;

export interface TuneOptions {
  trace: string;
  policy?: string;
  waitingValue?: string;
  out?: string;
}

/** `poolwarden policy tune`: a what-if search over the policy's own knobs, on the user's history. */
export const runTuneCommand = async (options: TuneOptions): Promise<void> => {
  const trace = await readTraceFile(options.trace);
  if (trace.length < 2)
    throw new CliError(`${options.trace}: too few jobs to split in time`, EXIT.invalidInput);
  const baseText = options.policy ? await readFile(options.policy, 'utf8') : BARE_POLICY;
  const base = options.policy ? await readPolicyFile(options.policy) : undefined;
  let waiting = base?.defaults.keepAlive.waitingValuePerHourUsd ?? 60;
  if (options.waitingValue !== undefined) {
    waiting = Number(options.waitingValue);
    if (!Number.isFinite(waiting) || waiting < 0) {
      throw new CliError(
        `--waiting-value: expected USD per hour (a number ≥ 0), got "${options.waitingValue}"`,
        EXIT.usage,
      );
    }
  }
  const result = tunePolicy(trace, baseText, options.policy ?? 'built-in defaults', {
    prices: DEFAULT_PRICES,
    waitingValuePerHourUsd: waiting,
    noQuotaTypes: NO_WARM_POOL_QUOTA_TYPES,
  });
  if (options.out) {
    await writeFile(options.out, result.text);
    console.log(result.summary.join('\n'));
    console.log(`wrote ${options.out}`);
  } else {
    console.log(result.text);
  }
};
