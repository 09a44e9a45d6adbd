import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';

/** How the CLI talks to the person at the terminal; tests pass their own. */
export interface CliIo {
  /** Asks a yes/no question; undefined when nobody can answer (stdin is not a terminal). */
  confirm(question: string): Promise<boolean | undefined>;
  /** The operator's name, recorded as the actor of every action (`operator:<name>`). */
  readonly operator: string;
}

const operatorName = (): string => {
  const env = process.env;
  const fromEnv = env.POOLWARDEN_OPERATOR ?? env.USER ?? env.LOGNAME ?? env.USERNAME;
  if (fromEnv) return fromEnv;
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
};

export const terminalIo = (): CliIo => ({
  operator: operatorName(),
  async confirm(question) {
    if (!process.stdin.isTTY) return undefined;
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await rl.question(`${question} [y/N] `);
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  },
});
