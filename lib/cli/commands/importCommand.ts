import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';

import { type ConnectionFlags, withConnectionOptions } from '../connectionOptions';

import { CliError, EXIT } from '../exitCodes';
import { resolveSince, type Since, since } from '../optionParsers';
import { progressBar } from '../output/progress';

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
    .option('--since <when>', 'jobs created since: 30d, 12h, or a date (2026-03-01)', since, {
      agoSeconds: 30 * 86_400,
    })
    .option('--until <when>', 'jobs created before (default: now)', since)
    .requiredOption('--out <file>', 'the JSON Lines trace to write (- for stdout)')
    .action(async (options: ImportOptions) => {
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
      else await writeFile(options.out, text, 'utf8');
      const skipped = Object.entries(result.skipped)
        .map(([reason, n]) => `${n} ${reason}`)
        .join(', ');
      console.error(
        `poolwarden: ${result.jobs.length} of ${result.listed} jobs written${options.out === '-' ? '' : ` to ${options.out}`}${skipped ? ` (skipped: ${skipped})` : ''}`,
      );
    });
};
