import type { Command } from 'commander';

import type { DeadLetter } from '../../notify/notificationLog';
import { type ConnectionFlags, withConnectionOptions } from '../connectionOptions';

import { CliError, EXIT } from '../exitCodes';
import type { CliIo } from '../io';
import { wholeNumber } from '../optionParsers';
import { instant, table } from '../output/format';

const PAGE = 50;

/** Loaded on demand: declaring the command for `--help` must not load the AWS SDK. */
const connect = async (flags: ConnectionFlags) => (await import('../connection')).connect(flags);

export const registerNoticesCommand = (
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
): void => {
  const notices = program
    .command('notices')
    .description('notifications that could not be delivered (dead letters)');
  const write = (line: string) => console.log(line);

  withConnectionOptions(
    notices.command('dead-letters').description('list the dead-lettered notifications, oldest first'),
  )
    .option('--json', 'print JSON instead of a table')
    .action(async (options: ConnectionFlags & { json?: boolean }) => {
      const conn = await connect(options);
      const letters = await conn.guard(async () => {
        const all: DeadLetter[] = [];
        let cursor: string | undefined;
        do {
          const page = await conn.notices.listDeadLetters(PAGE, cursor);
          all.push(...page.items);
          cursor = page.cursor;
        } while (cursor);
        return all;
      });
      if (options.json) {
        // The envelopes hold recipients and texts, never secrets; still, keep the listing short.
        write(
          JSON.stringify(
            letters.map(({ envelopes, ...rest }) => ({ ...rest, channels: envelopes.map((e) => e.channel) })),
            null,
            2,
          ),
        );
        return;
      }
      if (letters.length === 0) {
        write('no dead-lettered notifications');
        return;
      }
      for (const line of table(
        ['FAILED AT', 'JOB', 'KIND', 'ATTEMPTS', 'CHANNELS', 'LAST ERROR'],
        letters.map((l) => [
          instant(l.failedAtMs),
          l.key.job,
          l.key.kind,
          String(l.attempts),
          [...new Set(l.envelopes.map((e) => e.channel))].join(','),
          l.error.slice(0, 80),
        ]),
        [3],
      ))
        write(line);
      write(`${letters.length} dead-lettered notifications`);
    });

  withConnectionOptions(
    notices
      .command('replay')
      .description(
        'send the dead-lettered notifications again through the channels configured in the environment (POOLWARDEN_SLACK_MODE, POOLWARDEN_SLACK_WEBHOOK_URL or _BOT_TOKEN, POOLWARDEN_NOTIFY_TOPIC_ARN)',
      ),
  )
    .option('--limit <n>', 'replay at most this many letters', wholeNumber)
    .option('--yes', 'do not ask for confirmation')
    .action(async (options: ConnectionFlags & { limit?: number; yes?: boolean }) => {
      const conn = await connect(options);
      const [{ notifyDependencies }, { slackSecretsFrom }, { silentTelemetry }] = await Promise.all([
        import('../../wiring/notifyDependencies'),
        import('../../wiring/ssmParameters'),
        import('../../ports/telemetry'),
      ]);
      const deps = notifyDependencies(conn.config.core, conn.config.notify, {
        clock: conn.clock,
        telemetry: silentTelemetry,
        log: conn.notices,
        initialSecrets: slackSecretsFrom({}, process.env),
      });
      if (!options.yes) {
        const answer = await io.confirm('Send every dead-lettered notification again?');
        if (answer === undefined)
          throw new CliError(
            'refusing to act without confirmation: stdin is not a terminal; pass --yes',
            EXIT.aborted,
          );
        if (!answer) throw new CliError('aborted: nothing was sent', EXIT.aborted);
      }
      const outcomes = await conn.guard(async () => {
        const all = [];
        const limit = options.limit ?? Number.POSITIVE_INFINITY;
        let cursor: string | undefined;
        // A failed replay keeps its letter: walk forward by cursor so it is not retried in this run.
        do {
          const page = await deps.notifier.replayDeadLetters(Math.min(PAGE, limit - all.length), cursor);
          all.push(...page.items);
          cursor = page.cursor;
        } while (cursor && all.length < limit);
        return all;
      });
      for (const o of outcomes) {
        write(`${o.kind.padEnd(17)} ${o.key.job} ${o.key.kind}${o.kind === 'failed' ? `: ${o.error}` : ''}`);
      }
      const failed = outcomes.filter((o) => o.kind === 'failed').length;
      write(`${outcomes.length - failed} replayed, ${failed} still failing`);
      setExit(failed > 0 ? EXIT.failure : EXIT.ok);
    });
};
