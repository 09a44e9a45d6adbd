import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../lib/cli/exitCodes';
import { runCli } from '../support/runCli';

const TRACE = 'examples/reuse-basic.jsonl';

let dir: string;
let badPolicy: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'poolwarden-cli-out-'));
  badPolicy = join(dir, 'bad.yaml');
  await writeFile(badPolicy, 'version: 1\ndefaults:\n  keepAlive:\n    strategy: nonsense\n');
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('output files: checked before any work, and nothing lost when a run is refused', () => {
  it('a bad policy leaves the Slack preview file as it was, and creates none', async () => {
    const previous = join(dir, 'previous.html');
    await writeFile(previous, '<html>previous</html>');
    const kept = await runCli([
      'local',
      '--trace',
      TRACE,
      '--ledger',
      'memory',
      '--policy',
      badPolicy,
      '--slack-preview',
      previous,
    ]);
    expect(kept.code).toBe(EXIT.invalidInput);
    expect(await readFile(previous, 'utf8')).toBe('<html>previous</html>');
    const fresh = join(dir, 'fresh.html');
    const none = await runCli([
      'local',
      '--trace',
      TRACE,
      '--ledger',
      'memory',
      '--prices',
      join(dir, 'nope.json'),
      '--slack-preview',
      fresh,
    ]);
    expect(none).toMatchObject({
      code: EXIT.invalidInput,
      err: `poolwarden: cannot read the prices ${join(dir, 'nope.json')}: no such file`,
    });
    expect(await exists(fresh)).toBe(false);
  });

  it.each([
    ['local --timeline', ['local', '--trace', TRACE, '--ledger', 'memory', '--timeline'], 'timeline'],
    [
      'local --slack-preview',
      ['local', '--trace', TRACE, '--ledger', 'memory', '--slack-preview'],
      'Slack preview',
    ],
    ['report --out', ['report', '--local', '--out'], 'report'],
    ['import --out', ['import', '--local', '--out'], 'trace'],
    ['policy tune --out', ['policy', 'tune', '--trace', TRACE, '--out'], 'tuned policy'],
  ])(
    '%s in a folder that does not exist: exit 3 and one line naming it, before any work',
    async (_, args, what) => {
      const out = join(dir, 'nowhere', 'out.txt');
      const result = await runCli([...args, out]);
      expect(result).toMatchObject({
        code: EXIT.invalidInput,
        err: `poolwarden: cannot write the ${what} ${out}: its folder ${join(dir, 'nowhere')} does not exist`,
      });
      expect(result.out).toBe('');
    },
  );

  it('an output path that is a folder: exit 3, named', async () => {
    const result = await runCli(['local', '--trace', TRACE, '--ledger', 'memory', '--timeline', dir]);
    expect(result).toMatchObject({
      code: EXIT.invalidInput,
      err: `poolwarden: cannot write the timeline ${dir}: it is a folder, not a file`,
    });
  });

  it('--crash with the memory ledger: exit 2, as its crashes are injected at the local DynamoDB', async () => {
    const result = await runCli(['local', '--trace', TRACE, '--ledger', 'memory', '--crash', '0.1']);
    expect(result).toMatchObject({
      code: EXIT.usage,
      err: 'poolwarden: --crash needs the local DynamoDB: drop --ledger memory',
    });
  });

  it('--json with a --timeline to print: exit 2, as the two cannot share stdout', async () => {
    const result = await runCli(['local', '--trace', TRACE, '--ledger', 'memory', '--json', '--timeline']);
    expect(result.code).toBe(EXIT.usage);
    expect(result.err).toMatch(/^poolwarden: --timeline without a file prints the timeline/);
  });
});

describe('whatif and policy tune, given what a new user gives them', () => {
  it.each([
    ['whatif', ['whatif']],
    ['policy tune', ['policy', 'tune']],
  ])('%s: a missing, folder or invalid trace is exit 3 with one clear line', async (_, command) => {
    const missing = join(dir, 'nope.jsonl');
    expect(await runCli([...command, '--trace', missing])).toMatchObject({
      code: EXIT.invalidInput,
      err: `poolwarden: cannot read the trace ${missing}: no such file`,
    });
    expect(await runCli([...command, '--trace', dir])).toMatchObject({
      code: EXIT.invalidInput,
      err: `poolwarden: cannot read the trace ${dir}: it is a folder, not a file`,
    });
    const invalid = await runCli([...command, '--trace', 'examples/bad-trace.jsonl']);
    expect(invalid.code).toBe(EXIT.invalidInput);
    expect(invalid.err).toMatch(
      /^poolwarden: invalid trace bad-trace\.jsonl \(\d+ errors\):\nbad-trace\.jsonl:2: /,
    );
    const policy = join(dir, 'nope.yaml');
    expect(await runCli([...command, '--trace', TRACE, '--policy', policy])).toMatchObject({
      code: EXIT.invalidInput,
      err: `poolwarden: cannot read the policy ${policy}: no such file`,
    });
  });

  it('whatif --without-quota: the types named leave no pool', async () => {
    const result = await runCli(['whatif', '--trace', TRACE, '--without-quota', 'ml.g5.xlarge', '--json']);
    expect(result.code).toBe(EXIT.ok);
    expect(JSON.parse(result.out).jobsWithoutPool).toEqual({ noKeepAlive: 0, noQuota: 4 });
  });

  it('an empty --waiting-value is refused, not read as $0/h', async () => {
    const result = await runCli(['whatif', '--trace', TRACE, '--waiting-value', '']);
    expect(result.code).toBe(EXIT.usage);
    expect(result.err).toContain('expected USD per hour (a number ≥ 0), got ""');
  });
});
