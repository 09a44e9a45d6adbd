import { describe, expect, it } from 'vitest';
import { EXIT } from '../../lib/cli/exitCodes';
import { runCli } from '../support/runCli';

/**
 * `poolwarden local --port/--slack-actions-port/--dynamodb-port` take any whole number
 * (optionParsers.wholeNumber). A port past 65535 is a wrong command line, yet it fails later, inside
 * the local stack, with exit 1 ("something failed while running") and Node's
 * "options.port should be >= 0 and < 65536", which names none of the three flags.
 */
describe('local with a port out of range', () => {
  for (const flag of ['--port', '--slack-actions-port', '--dynamodb-port']) {
    it(`refuses ${flag} 70000 as a usage error naming the flag`, async () => {
      const run = await runCli(['local', '--trace', 'examples/reuse-basic.jsonl', flag, '70000', '--json']);
      expect(run.code).toBe(EXIT.usage);
      expect(run.err).toContain(flag);
    });
  }
});
