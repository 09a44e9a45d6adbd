import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../lib/cli/exitCodes';
import { runCli } from '../support/runCli';

const run = promisify(execFile);
const TRACE = 'examples/reuse-basic.jsonl';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'poolwarden-cli-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs the real executable; resolves with its exit code and output, whatever the code. */
const poolwarden = async (args: readonly string[]) => {
  try {
    const { stdout, stderr } = await run('node', ['bin/poolwarden.js', ...args], { timeout: 60_000 });
    return { code: 0, out: stdout, err: stderr, killed: false };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string; killed?: boolean };
    return { code: e.code ?? -1, out: e.stdout ?? '', err: e.stderr ?? '', killed: e.killed ?? false };
  }
};

describe('poolwarden local, given what a new user gives it', () => {
  it.each([['abc'], ['-1'], ['1.5']])('--chaos %s: exit 2 with a message', async (seed) => {
    const result = await runCli(['local', '--trace', TRACE, `--chaos=${seed}`]);
    expect(result.code).toBe(EXIT.usage);
    expect(result.err).toBe(
      `poolwarden: --chaos: the seed must be a whole number (0, 1, 2, ...), got "${seed}"`,
    );
  });

  it('a missing or folder policy file: exit 3 and one line, as a missing trace', async () => {
    const missing = await runCli(['local', '--trace', TRACE, '--policy', join(dir, 'nope.yaml')]);
    expect(missing).toMatchObject({
      code: EXIT.invalidInput,
      err: `poolwarden: cannot read the policy ${join(dir, 'nope.yaml')}: no such file`,
    });
    const folder = await runCli(['local', '--trace', TRACE, '--policy', dir]);
    expect(folder).toMatchObject({
      code: EXIT.invalidInput,
      err: `poolwarden: cannot read the policy ${dir}: it is a folder, not a file`,
    });
    const validate = await runCli(['policy', 'validate', dir]);
    expect(validate.code).toBe(EXIT.invalidInput);
    const trace = await runCli(['local', '--trace', join(dir, 'nope.jsonl')]);
    expect(trace).toMatchObject({
      code: EXIT.invalidInput,
      err: `poolwarden: cannot read the trace ${join(dir, 'nope.jsonl')}: no such file`,
    });
  });

  it('--data-dir naming a file, or a place no folder can be made: exit 3 and one line, no stack trace, no hang', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    const onFile = await runCli(['local', '--trace', TRACE, '--data-dir', file]);
    expect(onFile.code).toBe(EXIT.invalidInput);
    expect(onFile.err).toBe(
      `poolwarden: --data-dir ${file}: cannot keep the local DynamoDB there: something that is not a folder is in the way`,
    );
    const underFile = await runCli(['local', '--trace', TRACE, '--data-dir', join(file, 'db')]);
    expect(underFile.code).toBe(EXIT.invalidInput);
    const proc = await runCli(['local', '--trace', TRACE, '--data-dir', '/proc/poolwarden-nope']);
    expect(proc.code).toBe(EXIT.invalidInput);
    expect(proc.err).toMatch(
      /^poolwarden: --data-dir \/proc\/poolwarden-nope: cannot keep the local DynamoDB there: /,
    );
  });

  it('--port on a port in use: exit 1 with one line, and the process ends', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      for (const option of ['--port', '--dynamodb-port', '--slack-actions-port']) {
        const result = await poolwarden(['local', '--trace', TRACE, option, String(port)]);
        expect(result.killed, option).toBe(false);
        expect(result.code, option).toBe(EXIT.failure);
        expect(result.err.trim(), option).toBe(
          `poolwarden: cannot listen on 127.0.0.1:${port}: the port is in use (another poolwarden local?); pick another one`,
        );
      }
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  }, 120_000);
});
