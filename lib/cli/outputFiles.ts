import { constants } from 'node:fs';
import { access, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errorMessage } from '../domain/errorMessage';
import { CliError, EXIT } from './exitCodes';
import { FILE_PROBLEM_MISSING, fileProblem } from './inputFiles';

/** Why `path` cannot be written, or undefined when it can (as far as one can tell before writing). */
const writeProblem = async (path: string): Promise<string | undefined> => {
  try {
    const existing = await stat(path).catch((error: unknown) => {
      if (fileProblem(error) === FILE_PROBLEM_MISSING) return undefined;
      throw error;
    });
    if (existing?.isDirectory()) return 'it is a folder, not a file';
    if (existing) {
      await access(path, constants.W_OK);
      return undefined;
    }
    const folder = await stat(dirname(path)).catch((error: unknown) => {
      if (fileProblem(error) === FILE_PROBLEM_MISSING) return undefined;
      throw error;
    });
    if (!folder) return `its folder ${dirname(path)} does not exist`;
    if (!folder.isDirectory()) return 'a part of the path is not a folder';
    await access(dirname(path), constants.W_OK);
    return undefined;
  } catch (error) {
    return fileProblem(error) ?? errorMessage(error);
  }
};

/**
 * Checks, before any work, that an output file (a report, a timeline, a trace) can be written
 * where it was asked for, without creating or emptying it: a bad path is told at once, not after
 * a long run whose result it would lose, and a file that was there is left as it was.
 */
export const checkOutputFile = async (what: string, path: string): Promise<void> => {
  const problem = await writeProblem(path);
  if (problem !== undefined)
    throw new CliError(`cannot write the ${what} ${path}: ${problem}`, EXIT.invalidInput);
};

/** Writes an output file; a failure (the disk full, the folder gone meanwhile) is one clear line. */
export const writeOutputFile = async (what: string, path: string, text: string): Promise<void> => {
  try {
    await writeFile(path, text, 'utf8');
  } catch (error) {
    throw new CliError(`cannot write the ${what} ${path}: ${fileProblem(error) ?? errorMessage(error)}`);
  }
};
