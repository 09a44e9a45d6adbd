import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseTraceOrThrow } from './parseTrace';
import type { TraceJob } from './traceJob';

/** Reads and validates a trace file; throws TraceParseError, naming the file, when any line is wrong. */
export const readTraceFile = async (path: string): Promise<readonly TraceJob[]> =>
  parseTraceOrThrow(await readFile(path, 'utf8'), basename(path));
