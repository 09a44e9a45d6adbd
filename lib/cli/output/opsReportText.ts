import type { GroupFigures, OpsReport } from '../../app/opsReport';
import { duration, instant, percent, table, usd } from './format';

const groupRows = (groups: Readonly<Record<string, GroupFigures>>): string[][] =>
  Object.entries(groups)
    .sort((a, b) => b[1].idleCostUsd - a[1].idleCostUsd || a[0].localeCompare(b[0]))
    .map(([name, g]) => [
      name,
      String(g.jobs),
      String(g.reuses),
      percent(g.jobs > 0 ? g.reuses / g.jobs : 0),
      (g.idleBillableSeconds / 3600).toFixed(2),
      usd(g.idleCostUsd),
    ]);

/** `poolwarden report --format table`. */
export const printOpsReport = (report: OpsReport, write: (line: string) => void): void => {
  const t = report.totals;
  write(`poolwarden report ${instant(report.fromMs)} .. ${instant(report.toMs)}`);
  write('');
  write(`jobs                  ${t.jobs}`);
  write(
    `reuse rate            ${percent(t.reuseRate)} (${t.reuses} ${t.reuses === 1 ? 'job' : 'jobs'} reused a warm pool)`,
  );
  write(`cold starts avoided   ${t.coldStartsAvoided}`);
  write(`startup time saved    ${duration(t.startupSecondsSaved)}`);
  write(`idle billable         ${(t.idleBillableSeconds / 3600).toFixed(2)} h, ${usd(t.idleCostUsd)}`);
  write(`near misses           ${t.nearMisses}; keep-alive asked but no pool: ${t.keepAliveWithoutPool}`);
  write(`pools                 ${t.pools} (${t.availableNow} available now)`);
  if (report.unpricedInstanceTypes.length > 0)
    write(`not priced            ${report.unpricedInstanceTypes.join(', ')} (add them with --prices FILE)`);
  const headers = ['JOBS', 'REUSES', 'REUSE RATE', 'IDLE HOURS', 'IDLE COST'];
  // One account and region needs no table of its own.
  const accounts =
    Object.keys(report.byAccount).length > 1 ? [['ACCOUNT/REGION', report.byAccount] as const] : [];
  for (const [title, groups] of [
    ['TEAM', report.byTeam] as const,
    ['OWNER', report.byOwner] as const,
    ...accounts,
  ]) {
    write('');
    for (const line of table([title, ...headers], groupRows(groups), [1, 2, 3, 4, 5])) write(line);
  }
  write('');
  const actions = Object.entries(report.actions).sort();
  if (actions.length === 0) write('actions               none');
  else {
    for (const line of table(
      ['ACTION/OUTCOME', 'COUNT'],
      actions.map(([k, v]) => [k, String(v)]),
      [1],
    ))
      write(line);
    write(
      `by                    ${Object.entries(report.actors)
        .sort()
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
  }
};
