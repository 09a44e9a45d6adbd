import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Policy } from '../domain/policy/policy';
import { formatPolicyErrors, type PolicyError, parsePolicy } from './parsePolicy';

/** A policy file that does not validate: every error, with its line and path. */
export class PolicyFileError extends Error {
  constructor(
    readonly source: string,
    readonly errors: readonly PolicyError[],
  ) {
    super(
      `invalid policy ${source} (${errors.length} ${errors.length === 1 ? 'error' : 'errors'}):\n${formatPolicyErrors(errors)}`,
    );
    this.name = 'PolicyFileError';
  }
}

export const readPolicyFile = async (path: string): Promise<Policy> => {
  const parsed = parsePolicy(await readFile(path, 'utf8'), basename(path));
  if (!parsed.ok) throw new PolicyFileError(basename(path), parsed.errors);
  return parsed.policy;
};
