import { CliError, EXIT } from './exitCodes';

export const FILE_PROBLEM_MISSING = 'no such file';

/** What a file-system error code means to someone who named the file. */
const FILE_PROBLEMS: Readonly<Record<string, string>> = {
  ENOENT: FILE_PROBLEM_MISSING,
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
  EEXIST: 'something that is not a folder is in the way',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
};

export const fileProblem = (error: unknown): string | undefined => {
  const code =
    error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  return code === undefined ? undefined : (FILE_PROBLEMS[code] ?? code);
};

/**
 * Reads an input file (trace, policy, prices) with `read`; a file that cannot be read at all
 * becomes one line, `cannot read the policy FILE: no such file`, and exit 3, as an invalid one.
 */
export const readInputFile = async <T>(
  what: string,
  path: string,
  read: (path: string) => Promise<T>,
): Promise<T> => {
  try {
    return await read(path);
  } catch (error) {
    const problem = fileProblem(error);
    if (problem === undefined) throw error;
    throw new CliError(`cannot read the ${what} ${path}: ${problem}`, EXIT.invalidInput);
  }
};
