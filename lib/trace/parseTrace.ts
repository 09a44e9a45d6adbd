import { errorMessage } from '../domain/errorMessage';
import { describeLineIssues } from './lineIssues';
import { type TraceIssue, TraceParseError } from './traceIssues';
import type { TraceJob } from './traceJob';
import { traceLineSchema } from './traceSchema';

export type TraceParseResult =
  | { readonly ok: true; readonly jobs: readonly TraceJob[] }
  | { readonly ok: false; readonly issues: readonly TraceIssue[] };

type JsonLine =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: string };

const parseJsonLine = (content: string): JsonLine => {
  const start = content.trimStart();
  // People annotate traces out of habit; say why that fails rather than quote a parser's confusion.
  if (start.startsWith('#') || start.startsWith('//')) {
    return { ok: false, message: 'invalid JSON: JSON Lines has no comments (blank lines are allowed)' };
  }
  try {
    return { ok: true, value: JSON.parse(content) };
  } catch (error) {
    return { ok: false, message: `invalid JSON: ${errorMessage(error)}` };
  }
};

/** A job's name with its account and region when the line gives them: names are unique only within them. */
const nameOf = (value: unknown): string | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const name: unknown = Reflect.get(value, 'name');
  if (typeof name !== 'string') return undefined;
  const where = ['account', 'region']
    .map((field) => Reflect.get(value, field))
    .filter((v) => typeof v === 'string');
  return where.length > 0 ? `${name} in ${where.join('/')}` : name;
};

/**
 * Parses a whole trace. Any error makes the whole trace invalid, so that nothing runs from a
 * half-read file; every error is reported, not just the first. Jobs come back in submission
 * order; jobs submitted at the same instant keep their order in the file.
 */
export const parseTrace = (text: string): TraceParseResult => {
  const issues: TraceIssue[] = [];
  const jobs: TraceJob[] = [];
  const lineOfName = new Map<string, number>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((content, index) => {
    const line = index + 1;
    if (content.trim() === '') return;
    const json = parseJsonLine(content);
    if (!json.ok) {
      issues.push({ line, message: json.message });
      return;
    }
    const result = traceLineSchema.safeParse(json.value);
    if (result.success) {
      jobs.push(result.data);
    } else {
      const described = describeLineIssues(json.value, result.error.issues);
      issues.push(...described.map((issue) => ({ line, ...issue })));
    }

    // SageMaker refuses a second job of the same name in one account and region, so a trace with one cannot be replayed.
    const name = nameOf(json.value);
    if (name === undefined) return;
    const first = lineOfName.get(name);
    if (first === undefined) {
      lineOfName.set(name, line);
    } else {
      issues.push({
        line,
        field: 'name',
        message: `${JSON.stringify(name)} is already used on line ${first}`,
      });
    }
  });
  if (issues.length > 0) return { ok: false, issues };
  if (jobs.length === 0) return { ok: false, issues: [{ message: 'the trace has no jobs' }] };
  // Array.prototype.sort is stable: jobs submitted at the same instant keep their file order.
  return { ok: true, jobs: jobs.sort((a, b) => a.submitAtMs - b.submitAtMs) };
};

/**
 * parseTrace for callers that cannot go on without a valid trace: throws a TraceParseError
 * whose message lists the errors. `source` names the trace in them, usually the file's base name.
 */
export const parseTraceOrThrow = (text: string, source = 'trace'): readonly TraceJob[] => {
  const result = parseTrace(text);
  if (!result.ok) throw new TraceParseError(source, result.issues);
  return result.jobs;
};
