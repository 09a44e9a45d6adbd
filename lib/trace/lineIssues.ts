import type { z } from 'zod';
import type { TraceIssue } from './traceIssues';
import { COMPLETE_MESSAGE, TRACE_FIELDS, VPC_FIELDS } from './traceSchema';

/**
 * Turns the schema's complaints about one line into issues that quote what the line held:
 * the person fixing a trace of thousands of lines should not have to go and look.
 */

type LineIssue = Omit<TraceIssue, 'line'>;
type PathSegment = PropertyKey;

const MAX_QUOTED_LENGTH = 60;

const quote = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_QUOTED_LENGTH ? `${text.slice(0, MAX_QUOTED_LENGTH - 3)}...` : text;
};

const renderPath = (path: readonly PathSegment[]): string =>
  path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const key = String(segment);
      if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `[${JSON.stringify(key)}]`;
      return index === 0 ? key : `.${key}`;
    })
    .join('');

const valueAt = (raw: unknown, path: readonly PathSegment[]): unknown => {
  let value = raw;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = Reflect.get(value, segment);
  }
  return value;
};

const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
};

/** A misspelt field would otherwise fall back silently to its default: point at the intended one. */
const suggestField = (unknown: string, known: readonly string[]): string | undefined => {
  const lower = unknown.toLowerCase();
  const ranked = known
    .map((candidate) => {
      const c = candidate.toLowerCase();
      const related = c === lower || (lower.length >= 4 && (c.includes(lower) || lower.includes(c)));
      return { candidate, distance: related ? 0 : editDistance(lower, c) };
    })
    .filter((r) => r.distance <= 2)
    .sort((a, b) => a.distance - b.distance);
  return ranked[0]?.candidate;
};

const knownFieldsAt = (path: readonly PathSegment[]): readonly string[] =>
  path.length === 0 ? TRACE_FIELDS : path.length === 1 && path[0] === 'vpc' ? VPC_FIELDS : [];

const describe = (raw: unknown, issue: z.core.$ZodIssue): LineIssue[] => {
  const path = issue.path;
  const field = path.length > 0 ? { field: renderPath(path) } : {};
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const suggestion = suggestField(key, knownFieldsAt(path));
        return {
          field: renderPath([...path, key]),
          message: suggestion ? `unknown field; did you mean "${suggestion}"?` : 'unknown field',
        };
      });
    case 'invalid_key':
      // The key itself is at fault, not the value it holds.
      return [
        {
          ...field,
          message: `${issue.issues[0]?.message ?? 'invalid key'}, got ${quote(path[path.length - 1])}`,
        },
      ];
    default: {
      if (issue.code === 'custom' && issue.params?.complete === COMPLETE_MESSAGE.complete) {
        return [{ ...field, message: issue.message }];
      }
      const value = valueAt(raw, path);
      return [
        {
          ...field,
          message:
            value === undefined ? `missing; ${issue.message}` : `${issue.message}, got ${quote(value)}`,
        },
      ];
    }
  }
};

/** Several checks of one field can fail together with the same message: say it once. */
export const describeLineIssues = (raw: unknown, issues: readonly z.core.$ZodIssue[]): LineIssue[] => {
  const seen = new Set<string>();
  return issues
    .flatMap((issue) => describe(raw, issue))
    .filter((issue) => {
      const key = `${issue.field ?? ''}\u0000${issue.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
};
