import { type Command, Option } from 'commander';
import { type ActionResult, applyPoolAction } from '../../app/applyPoolAction';
import { mapBounded } from '../../app/mapBounded';
import { availableHeads, chainOf, poolMoney, readHistory } from '../../app/poolQueries';
import type { JobRecord } from '../../domain/jobRecord';
import { assembleChains, type PoolView, poolView } from '../../domain/poolChain';
import type { Connection } from '../connection';
import { type ConnectionFlags, withConnectionOptions } from '../connectionOptions';
import { CliError, EXIT } from '../exitCodes';
import type { CliIo } from '../io';
import { positiveDuration, resolveSince, type Since, since } from '../optionParsers';
import { duration, instant, table, usd } from '../output/format';
import { progressBar } from '../output/progress';

const STATUSES = ['available', 'in-use', 'terminated', 'all'] as const;
type StatusFilter = (typeof STATUSES)[number];
const VIEW_STATUS: Record<Exclude<StatusFilter, 'all'>, PoolView['status']> = {
  available: 'Available',
  'in-use': 'InUse',
  terminated: 'Terminated',
};
/** Loaded on demand: declaring the command for `--help` must not load the AWS SDK. */
const connect = async (flags: ConnectionFlags) => (await import('../connection')).connect(flags);

/** Actions on many pools run a few at a time: SageMaker's UpdateTrainingJob rate quota is low. */
const ACTION_CONCURRENCY = 4;

/** One pool as `pools list` shows it. */
export interface PoolListing {
  readonly poolId: string;
  readonly headJob: string;
  /** Stopping: poolwarden set its keep-alive to 0; the sweep has not yet seen it end. */
  readonly status: PoolView['status'] | 'Stopping';
  readonly stoppedBy?: string;
  /** How an ended pool ended: expired, stopped, or ended-early (before its predicted end). */
  readonly endedBy?: string;
  readonly owner?: string;
  readonly team?: string;
  /** Where the pool is (absent for jobs recorded before there were several accounts). */
  readonly account?: string;
  readonly region?: string;
  readonly instanceType?: string;
  readonly instanceCount?: number;
  readonly reuseCount: number;
  readonly availableSince?: string;
  readonly expiresAt?: string;
  readonly hourlyUsd?: number;
  readonly idleSecondsSoFar: number;
  readonly idleCostUsd?: number;
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

const listing = (chain: readonly JobRecord[], conn: Connection): PoolListing => {
  const view = poolView(chain);
  const money = poolMoney(chain, conn.prices, conn.clock.now());
  const since = iso(view.status === 'Available' ? view.availableSinceMs : undefined);
  const until = iso(view.status === 'Available' ? view.expiresAtMs : undefined);
  const stoppedBy = chain[chain.length - 1]?.pool?.stoppedBy;
  const location = chain[chain.length - 1]?.job?.location ?? chain[0]?.job?.location;
  return {
    poolId: view.poolId,
    headJob: view.headJob,
    status: view.status === 'Available' && stoppedBy ? 'Stopping' : view.status,
    ...(stoppedBy ? { stoppedBy } : {}),
    ...(view.endedBy ? { endedBy: view.endedBy } : {}),
    ...(view.owner ? { owner: view.owner } : {}),
    ...(view.team ? { team: view.team } : {}),
    ...(location ?? {}),
    ...(view.instanceType ? { instanceType: view.instanceType } : {}),
    ...(view.instanceCount !== undefined ? { instanceCount: view.instanceCount } : {}),
    reuseCount: view.reuseCount,
    ...(since ? { availableSince: since } : {}),
    ...(until ? { expiresAt: until } : {}),
    ...(money.hourlyUsd !== undefined ? { hourlyUsd: money.hourlyUsd } : {}),
    idleSecondsSoFar: money.idleSecondsSoFar,
    ...(money.idleCostUsd !== undefined ? { idleCostUsd: money.idleCostUsd } : {}),
  };
};

const printListings = (pools: readonly PoolListing[], write: (line: string) => void): void => {
  if (pools.length === 0) {
    write('no pools match');
    return;
  }
  const rows = pools.map((p) => [
    p.poolId,
    p.headJob,
    p.status,
    p.owner ?? '-',
    p.team ?? '-',
    p.instanceType ? `${p.instanceCount ?? 1} x ${p.instanceType}` : '-',
    String(p.reuseCount),
    instant(p.availableSince ? Date.parse(p.availableSince) : undefined),
    instant(p.expiresAt ? Date.parse(p.expiresAt) : undefined),
    usd(p.hourlyUsd),
    duration(p.idleSecondsSoFar),
    usd(p.idleCostUsd),
  ]);
  for (const line of table(
    [
      'POOL',
      'HELD BY',
      'STATUS',
      'OWNER',
      'TEAM',
      'INSTANCES',
      'REUSES',
      'IDLE SINCE',
      'UNTIL',
      '$/HOUR',
      'IDLE SO FAR',
      'IDLE COST',
    ],
    rows,
    [6, 9, 10, 11],
  ))
    write(line);
  const hourly = pools.reduce((s, p) => s + (p.status === 'Available' ? (p.hourlyUsd ?? 0) : 0), 0);
  const idle = pools.reduce((s, p) => s + (p.idleCostUsd ?? 0), 0);
  const available = pools.filter((p) => p.status === 'Available').length;
  const stopping = pools.filter((p) => p.status === 'Stopping').length;
  write(
    `${pools.length} pools (${available} available, idling at ${usd(hourly)}/hour${stopping > 0 ? `; ${stopping} stopping` : ''}); idle cost so far ${usd(idle)}`,
  );
};

interface ListOptions extends ConnectionFlags {
  status: StatusFilter;
  owner?: string;
  team?: string;
  account?: string;
  inRegion?: string;
  since: Since;
  json?: boolean;
}

/** The head job of each matching Available pool, as chains. */
const availableChains = async (
  conn: Connection,
  filter: { owner?: string; team?: string },
): Promise<JobRecord[][]> => {
  const heads = (await availableHeads(conn.ledger, filter.owner ? { owner: filter.owner } : {})).filter(
    (h) => !filter.team || h.job?.team === filter.team,
  );
  const bar = progressBar('reading pools');
  const chains = await mapBounded(heads, 8, async (head, i) => {
    bar.update(i + 1, heads.length);
    return (await chainOf(conn.ledger, head.name)) ?? [head];
  });
  bar.done();
  return chains;
};

const listPools = async (conn: Connection, options: ListOptions): Promise<PoolListing[]> => {
  if (options.status === 'available') {
    return (await availableChains(conn, options)).map((c) => listing(c, conn));
  }
  const nowMs = conn.clock.now();
  const bar = progressBar('reading history');
  const history = await readHistory(conn, resolveSince(options.since, nowMs), nowMs, (d, t) =>
    bar.update(d, t),
  );
  bar.done();
  const wanted = options.status === 'all' ? undefined : VIEW_STATUS[options.status];
  return assembleChains(history.records)
    .map((c) => listing(c, conn))
    .filter(
      (p) =>
        (!wanted || p.status === wanted) &&
        (!options.owner || p.owner === options.owner) &&
        (!options.team || p.team === options.team),
    );
};

/** Pools of one account or region, as --account and --in-region ask. */
const inPlace = (p: PoolListing, where: { account?: string; inRegion?: string }): boolean =>
  (!where.account || p.account === where.account) && (!where.inRegion || p.region === where.inRegion);

/** Grouped by account and region; the order within each is kept. */
const byPlace = (a: PoolListing, b: PoolListing): number =>
  `${a.account ?? ''}/${a.region ?? ''}`.localeCompare(`${b.account ?? ''}/${b.region ?? ''}`);

interface ActOptions extends ConnectionFlags {
  dryRun?: boolean;
  yes?: boolean;
  reason?: string;
}

/** Asks before acting unless --yes or --dry-run; refuses when nobody can answer. */
const confirmOrAbort = async (io: CliIo, options: ActOptions, question: string): Promise<void> => {
  if (options.yes || options.dryRun) return;
  const answer = await io.confirm(question);
  if (answer === undefined)
    throw new CliError(
      'refusing to act without confirmation: stdin is not a terminal; pass --yes',
      EXIT.aborted,
    );
  if (!answer) throw new CliError('aborted: nothing was done', EXIT.aborted);
};

const describeResult = (result: ActionResult): string => {
  const d = result.decision;
  const what = d.action === 'stop' ? 'stop' : `extend to keep-alive ${duration(d.keepAliveSeconds)}`;
  switch (d.outcome) {
    case 'applied':
      return d.action === 'stop'
        ? `stopped     ${d.job} (pool ${d.poolId})`
        : `extended    ${d.job} (pool ${d.poolId}): keep-alive ${duration(d.keepAliveSeconds)}, now ends about ${instant(d.endsAtMs)}`;
    case 'dry-run':
      return `dry run     ${d.job} (pool ${d.poolId}): would ${what}; recorded, not done`;
    case 'skipped':
      return `skipped     ${d.job} (pool ${d.poolId}): ${d.error ?? 'no longer Available'}`;
    case 'failed':
      return `FAILED      ${d.job} (pool ${d.poolId}): ${d.error ?? 'unknown error'}`;
    case 'unknown':
      return `UNKNOWN     ${d.job} (pool ${d.poolId}): ${d.error ?? 'SageMaker did not answer'}; run it again`;
  }
};

const exitFor = (results: readonly ActionResult[]): number =>
  results.some((r) => r.decision.outcome === 'failed' || r.decision.outcome === 'unknown')
    ? EXIT.failure
    : results.length > 0 && results.every((r) => r.decision.outcome === 'skipped')
      ? EXIT.notAvailable
      : EXIT.ok;

/** The Available pool a job belongs to: its chain's head, which must hold it Available. */
const availableHeadOf = async (conn: Connection, name: string): Promise<JobRecord[]> => {
  const chain = await chainOf(conn.ledger, name);
  if (!chain) throw new CliError(`no job or pool named "${name}" in the ledger ${conn.table}`, EXIT.notFound);
  const view = poolView(chain);
  if (view.status !== 'Available') {
    throw new CliError(
      `pool ${view.poolId} (held by ${view.headJob}) is ${view.status === 'InUse' ? 'in use' : 'already ended'}, not Available: nothing to do`,
      EXIT.notAvailable,
    );
  }
  return chain;
};

export const registerPoolsCommand = (program: Command, io: CliIo, setExit: (code: number) => void): void => {
  const pools = program.command('pools').description('see and act on warm pools');
  const write = (line: string) => console.log(line);

  withConnectionOptions(
    pools
      .command('list')
      .description(
        'what is warm now: since when, until when, what it costs per hour and has cost idle so far',
      ),
  )
    .addOption(
      new Option('--status <status>', 'which pools (all but available read the history of --since)')
        .choices(STATUSES)
        .default('available'),
    )
    .option('--owner <owner>', "only this owner's pools")
    .option('--team <team>', "only this team's pools")
    .option('--account <id>', "only this account's pools")
    .option('--in-region <name>', "only this region's pools (--region says where the ledger is)")
    .option(
      '--since <when>',
      'for --status other than available: how far back (7d, 12h, 2026-03-01)',
      since,
      {
        agoSeconds: 2 * 86_400,
      },
    )
    .option('--json', 'print JSON instead of a table')
    .option(
      '--include-stopping',
      'with --status available: also pools just stopped, until the sweep sees them end',
    )
    .action(async (options: ListOptions & { includeStopping?: boolean }) => {
      const conn = await connect(options);
      const listings = (await conn.guard(() => listPools(conn, options)))
        .filter((p) => options.includeStopping || options.status !== 'available' || p.status !== 'Stopping')
        .filter((p) => inPlace(p, options))
        .sort(byPlace);
      if (options.json) write(JSON.stringify(listings, null, 2));
      else printListings(listings, write);
    });

  withConnectionOptions(
    pools
      .command('show')
      .description(
        "a pool's chain of jobs, reuses, idle gaps, decisions with their reasons, and notifications",
      )
      .argument('<job-or-pool>', 'any job of the pool, or the pool id (its first job)'),
  )
    .option('--json', 'print JSON instead of text')
    .action(async (name: string, options: ConnectionFlags & { json?: boolean }) => {
      const conn = await connect(options);
      await conn.guard(async () => {
        const chain = await chainOf(conn.ledger, name);
        if (!chain)
          throw new CliError(`no job or pool named "${name}" in the ledger ${conn.table}`, EXIT.notFound);
        const view = poolView(chain);
        const money = poolMoney(chain, conn.prices, conn.clock.now());
        const jobs = await mapBounded(chain, 4, async (r) => ({
          record: r,
          decisions: await conn.decisions.decisionsOf(r.name),
          notices: await conn.notices.noticesOf(r.name),
        }));
        if (options.json) {
          write(JSON.stringify({ pool: view, money, jobs }, null, 2));
          return;
        }
        const only = chain[0];
        if (chain.length === 1 && only && !only.pool) {
          write(
            `job ${only.name}: ${only.job?.status ?? 'not recorded'}; it holds no warm pool${only.noPool || only.job?.status === 'InProgress' ? '' : ' (no keep-alive asked)'}`,
          );
        } else write(`pool ${view.poolId}: ${view.status}${view.endedBy ? ` (${view.endedBy})` : ''}`);
        write(
          `  ${view.instanceCount ?? '?'} x ${view.instanceType ?? '?'}, owner ${view.owner ?? '-'}, team ${view.team ?? '-'}; ${view.reuseCount} reuses`,
        );
        if (view.status === 'Available')
          write(`  idle since ${instant(view.availableSinceMs)}, ends about ${instant(view.expiresAtMs)}`);
        write(
          `  costs ${usd(money.hourlyUsd)}/hour idle; idle so far ${duration(money.idleSecondsSoFar)}, ${usd(money.idleCostUsd)}`,
        );
        write('');
        write('jobs (oldest first):');
        for (const [i, { record, decisions, notices }] of jobs.entries()) {
          const job = record.job;
          const startup =
            job?.startedAtMs !== undefined
              ? `startup ${duration((job.startedAtMs - job.createdAtMs) / 1000)}`
              : '';
          write(
            `  ${record.name}  ${job?.status ?? '(not recorded)'}  submitted ${instant(job?.createdAtMs)}  ended ${instant(job?.endedAtMs)}  ${startup}`,
          );
          if (record.reusedPoolOf) write(`    reused the pool left by ${record.reusedPoolOf}`);
          const pool = record.pool;
          if (pool) {
            write(
              `    pool ${pool.status}; keep-alive ${duration(pool.keepAliveSeconds)}; idle since ${instant(pool.availableSinceMs)}${pool.billableSeconds !== undefined ? `; billed idle ${duration(pool.billableSeconds)}` : ''}${pool.stoppedBy ? `; stopped by ${pool.stoppedBy}` : ''}`,
            );
          }
          const hop = view.hops[i];
          if (hop?.idleGapSeconds !== undefined)
            write(`    idle gap ${duration(hop.idleGapSeconds)} until ${hop.toJob} took the pool`);
          if (record.nearMiss)
            write(
              `    near miss: could have reused ${record.nearMiss.poolOf} but ${record.nearMiss.differences.map((d) => `${d.field} ${d.job} vs ${d.pool}`).join(', ')}`,
            );
          if (record.noPool) write(`    no pool: ${record.noPool.detail}`);
          for (const d of decisions) {
            write(
              `    decision ${instant(d.atMs)}  ${d.action} ${d.outcome}${d.dryRun ? ' (dry run)' : ''} by ${d.actor}: ${d.reason}${d.error ? ` [${d.error}]` : ''}`,
            );
          }
          for (const n of notices) {
            write(
              `    notice   ${instant(n.deliveredAtMs ?? n.claimedAtMs)}  ${n.key.kind} ${n.state}${n.coveredBy ? ` (told with ${n.coveredBy.kind})` : ''}`,
            );
          }
        }
      });
    });

  withConnectionOptions(
    pools
      .command('extend')
      .description('keep a pool longer: its predicted end moves later by --by (within the keep-alive caps)')
      .argument('<job>', 'any job of the pool (the one holding it is used)'),
  )
    .requiredOption('--by <duration>', 'how much longer, e.g. 30m, 1h', positiveDuration)
    .option('--dry-run', 'decide and record, but do not call SageMaker')
    .option('--yes', 'do not ask for confirmation')
    .option('--reason <text>', 'why, recorded with the decision')
    .action(async (name: string, options: ActOptions & { by: number }) => {
      const conn = await connect(options);
      await conn.guard(async () => {
        const chain = await availableHeadOf(conn, name);
        const head = chain[chain.length - 1] as JobRecord;
        const nowMs = conn.clock.now();
        const from = Math.max(nowMs, head.pool?.expiresAtMs ?? nowMs);
        const wanted = Math.ceil((from + options.by * 1000 - nowMs) / 1000);
        const cap = conn.actionDeps.limits.perCallCapSeconds;
        const keepAliveSeconds = Math.min(wanted, cap);
        if (keepAliveSeconds < wanted) {
          console.error(
            `poolwarden: one update may set at most ${duration(cap)} of keep-alive from now; setting ${duration(cap)}`,
          );
        }
        await confirmOrAbort(
          io,
          options,
          `Extend pool ${poolView(chain).poolId} (held by ${head.name}) to ${duration(keepAliveSeconds)} from now?`,
        );
        const result = await applyPoolAction(conn.actionDeps, {
          head,
          action: 'extend',
          keepAliveSeconds,
          actor: `operator:${io.operator}`,
          reason: options.reason ?? `extended by ${duration(options.by)} from the command line`,
          dryRun: options.dryRun ?? false,
        });
        write(describeResult(result));
        setExit(exitFor([result]));
      });
    });

  withConnectionOptions(
    pools
      .command('stop')
      .description('end a pool now (keep-alive 0), or every Available pool with --all, for a cost incident')
      .argument('[job]', 'any job of the pool (the one holding it is used)'),
  )
    .option('--all', 'every Available pool (narrow with --team, --owner)')
    .option('--team <team>', "with --all: only this team's pools")
    .option('--owner <owner>', "with --all: only this owner's pools")
    .option('--account <id>', "with --all: only this account's pools")
    .option('--in-region <name>', "with --all: only this region's pools")
    .option('--dry-run', 'decide and record, but do not call SageMaker')
    .option('--yes', 'do not ask for confirmation')
    .option('--reason <text>', 'why, recorded with each decision')
    .action(
      async (
        name: string | undefined,
        options: ActOptions & {
          all?: boolean;
          team?: string;
          owner?: string;
          account?: string;
          inRegion?: string;
        },
      ) => {
        if (Boolean(name) === Boolean(options.all))
          throw new CliError('name one job, or pass --all (with --team/--owner to narrow it)', EXIT.usage);
        if (!options.all && (options.team || options.owner || options.account || options.inRegion))
          throw new CliError('--team, --owner, --account and --in-region go with --all', EXIT.usage);
        const conn = await connect(options);
        await conn.guard(async () => {
          let chains = name
            ? [await availableHeadOf(conn, name)]
            : await availableChains(conn, {
                ...(options.owner ? { owner: options.owner } : {}),
                ...(options.team ? { team: options.team } : {}),
              });
          // Pools already stopped through poolwarden wait for the sweep to see them end: not again.
          chains = chains.filter(
            (c) => !c[c.length - 1]?.pool?.stoppedBy && inPlace(listing(c, conn), options),
          );
          if (chains.length === 0) {
            write('no Available pools match: nothing to stop');
            return;
          }
          const listings = chains.map((c) => listing(c, conn));
          printListings(listings, write);
          const hourly = listings.reduce((s, p) => s + (p.hourlyUsd ?? 0), 0);
          await confirmOrAbort(
            io,
            options,
            `Stop ${chains.length} warm pool${chains.length === 1 ? '' : 's'} (idling at ${usd(hourly)}/hour)?`,
          );
          const reason =
            options.reason ??
            (options.all
              ? 'stopped with every matching pool from the command line'
              : 'stopped from the command line');
          const bar = progressBar(options.dryRun ? 'recording' : 'stopping');
          let done = 0;
          const results = await mapBounded(chains, ACTION_CONCURRENCY, async (chain) => {
            const result = await applyPoolAction(conn.actionDeps, {
              head: chain[chain.length - 1] as JobRecord,
              action: 'stop',
              actor: `operator:${io.operator}`,
              reason,
              dryRun: options.dryRun ?? false,
            });
            bar.update(++done, chains.length);
            return result;
          });
          bar.done();
          for (const result of results) write(describeResult(result));
          const count = (outcome: string) => results.filter((r) => r.decision.outcome === outcome).length;
          write(
            `${count('applied')} stopped, ${count('dry-run')} dry run, ${count('skipped')} skipped (no longer Available), ${count('failed')} failed`,
          );
          setExit(exitFor(results));
        });
      },
    );
};
