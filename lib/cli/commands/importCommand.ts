import { type Command, Option } from 'commander';

import { type ConnectionFlags, withConnectionOptions } from '../connectionOptions';

import { CliError, EXIT } from '../exitCodes';
import { resolveSince, type Since, since } from '../optionParsers';
import { progressBar } from '../output/progress';
import { checkOutputFile, writeOutputFile } from '../outputFiles';

interface ImportOptions extends ConnectionFlags {
  since: Since;
  until?: Since;
  out: string;
}

export const registerImportCommand = (program: Command): void => {
  withConnectionOptions(
    program
      .command('import')
      .description(
        "turn the account's real training-job history into a trace, to replay it with `poolwarden local --trace`",
      ),
  )
    .addOption(
      new Option('--since <when>', 'jobs created since: 30d, 12h, or a date (2026-03-01)')
        .argParser(since)
        .default({ agoSeconds: 30 * 86_400 }, '30d'),
    )
    .option('--until <when>', 'jobs created before (default: now)', since)
    .requiredOption('--out <file>', 'the JSON Lines trace to write (- for stdout)')
    .action(async (options: ImportOptions) => {
      if (options.out !== '-') await checkOutputFile('trace', options.out);
      const [{ connect }, { importHistory }, { serializeTrace }] = await Promise.all([
        import('../connection'),
        import('../../app/importHistory'),
        import('../../trace/serializeTrace'),
      ]);
      const conn = await connect(options);
      const nowMs = conn.clock.now();
      const fromMs = resolveSince(options.since, nowMs);
      const toMs = options.until ? resolveSince(options.until, nowMs) : nowMs;
      if (fromMs >= toMs) throw new CliError('--since must be before --until', EXIT.usage);
      const bar = progressBar('importing jobs');
      const result = await conn.guard(() =>
        importHistory(conn.trainingJobs, fromMs, toMs, (done, total) => bar.update(done, total)),
      );
      bar.done();
      const text = serializeTrace(result.jobs);
      if (options.out === '-') process.stdout.write(text);
      else await writeOutputFile('trace', options.out, text);
      const skipped = Object.entries(result.skipped)
        .map(([reason, n]) => `${n} ${reason}`)
        .join(', ');
      console.error(
        `poolwarden: ${result.jobs.length} of ${result.listed} jobs written${options.out === '-' ? '' : ` to ${options.out}`}${skipped ? ` (skipped: ${skipped})` : ''}`,
      );
    });
};
