import { vi } from 'vitest';
import type { CliIo } from '../../lib/cli/io';
import { main } from '../../lib/cli/main';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `poolwarden ...argv` in process, capturing what it prints. `answer` is the operator's reply to a confirmation. */
export const runCli = async (
  argv: readonly string[],
  options: { answer?: boolean; operator?: string } = {},
): Promise<CliRun> => {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    out.push(args.map(String).join(' '));
  });
  const error = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    err.push(args.map(String).join(' '));
  });
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
    err.push(String(chunk));
    return true;
  });
  const io: CliIo = {
    operator: options.operator ?? 'tester',
    confirm: async () => options.answer,
  };
  try {
    const code = await main(['node', 'poolwarden', ...argv], io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    stdout.mockRestore();
    stderr.mockRestore();
  }
};
