import { type Command, Option } from 'commander';
import { buildOpsReport } from '../../app/opsReport';
import { historyIn, readHistory } from '../../app/poolQueries';
import { type ConnectionFlags, withConnectionOptions } from '../connectionOptions';
import { CliError, EXIT } from '../exitCodes';
import { resolveSince, type Since, since } from '../optionParsers';
import { renderHtmlReport } from '../output/htmlReport';
import { printOpsReport } from '../output/opsReportText';
import { progressBar } from '../output/progress';
import { checkOutputFile, writeOutputFile } from '../outputFiles';

interface ReportOptions extends ConnectionFlags {
  since: Since;
  until?: Since;
  format: 'table' | 'json' | 'html';
  out?: string;
  account?: string;
  inRegion?: string;
}

export const registerReportCommand = (program: Command): void => {
  withConnectionOptions(
    program
      .command('report')
      .description(
        'reuse rate, cold starts avoided, startup time saved, idle billable hours and cost by team and owner, actions taken',
      ),
  )
    .addOption(
      new Option('--since <when>', 'start of the window: 7d, 12h, or a date (2026-03-01)')
        .argParser(since)
        .default({ agoSeconds: 7 * 86_400 }, '7d'),
    )
    .option('--until <when>', 'end of the window (default: now)', since)
    .addOption(
      new Option('--format <format>', 'how to print it').choices(['table', 'json', 'html']).default('table'),
    )
    .option('--out <file>', 'write the report to this file instead of stdout')
    .option('--account <id>', "only this account's jobs")
    .option('--in-region <name>', "only this region's jobs (--region says where the ledger is)")
    .action(async (options: ReportOptions) => {
      if (options.out) await checkOutputFile('report', options.out);
      const { connect } = await import('../connection');
      const conn = await connect(options);
      const nowMs = conn.clock.now();
      const fromMs = resolveSince(options.since, nowMs);
      const toMs = options.until ? resolveSince(options.until, nowMs) : nowMs;
      if (fromMs >= toMs) throw new CliError('--since must be before --until', EXIT.usage);
      const bar = progressBar('reading history (days)');
      const history = await conn.guard(() => readHistory(conn, fromMs, toMs, (d, t) => bar.update(d, t)));
      bar.done();
      const where = {
        ...(options.account ? { account: options.account } : {}),
        ...(options.inRegion ? { region: options.inRegion } : {}),
      };
      const report = buildOpsReport(historyIn(history, where), conn.prices, nowMs);
      let text: string;
      if (options.format === 'json') text = `${JSON.stringify(report, null, 2)}\n`;
      else if (options.format === 'html') text = renderHtmlReport(report);
      else {
        const lines: string[] = [];
        printOpsReport(report, (l) => lines.push(l));
        text = `${lines.join('\n')}\n`;
      }
      if (options.out) {
        await writeOutputFile('report', options.out, text);
        console.error(`poolwarden: wrote the ${options.format} report to ${options.out}`);
      } else process.stdout.write(text);
    });
};
