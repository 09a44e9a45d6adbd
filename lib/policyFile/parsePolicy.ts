import type { $ZodIssue } from 'zod/v4/core';
import { errorMessage } from '../domain/errorMessage';
import type { Policy } from '../domain/policy/policy';
import { didYouMean } from './didYouMean';
import { plainJsonValue } from './plainJson';
import { crossRuleProblems, policySchema, UNKNOWN_KEY_PARAM } from './policySchema';
import { resolvePolicy } from './resolvePolicy';
import { formatPath, type PathSegment, positionOf } from './sourcePositions';
import { yamlModule } from './yamlModule';

/** One mistake in a policy file, where it is written. Lines and columns count from 1. */
export interface PolicyError {
  readonly source: string;
  readonly line: number;
  readonly column: number;
  /** e.g. `rules[2].idle.insideWorkingHours`; "" for the document as a whole. */
  readonly path: string;
  readonly message: string;
}

export type PolicyParseResult =
  | { readonly ok: true; readonly policy: Policy }
  | { readonly ok: false; readonly errors: readonly PolicyError[] };

const knownKeysOf = (issue: $ZodIssue): readonly string[] | undefined => {
  if (issue.code !== 'custom') return undefined;
  const known = issue.params?.[UNKNOWN_KEY_PARAM];
  return Array.isArray(known) ? known.filter((k): k is string => typeof k === 'string') : undefined;
};

const segmentsOf = (path: readonly PropertyKey[]): PathSegment[] =>
  path.filter((p): p is PathSegment => typeof p === 'string' || typeof p === 'number');

/** The policy a document holds, when it is valid. */
const validPolicy = (document: unknown): Policy | undefined => {
  const result = policySchema.safeParse(document);
  return result.success && crossRuleProblems(document).length === 0 ? resolvePolicy(result.data) : undefined;
};

/**
 * Parses a policy document, YAML or JSON, and reports every error it finds: all syntax errors;
 * or else every schema violation and every cross-rule problem, each at its line and path. A
 * valid JSON document that YAML reads alike (plainJson.ts) is read without the YAML parser, the
 * larger half of a cold start's policy code; any other, and any invalid one, by the YAML parser
 * (JSON too, so that positions work the same).
 */
export const parsePolicy = (text: string, source: string): PolicyParseResult => {
  const json = plainJsonValue(text);
  const fromJson = json === undefined ? undefined : validPolicy(json);
  if (fromJson) return { ok: true, policy: fromJson };

  const { LineCounter, parseDocument } = yamlModule();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: true });
  const at = (offset: number) => lineCounter.linePos(offset);

  // Schema errors on a document that did not parse would be noise: report the syntax first.
  const syntax = [...doc.errors, ...doc.warnings];
  if (syntax.length > 0) {
    return {
      ok: false,
      errors: syntax.map((e) => {
        const { line, col } = at(e.pos[0]);
        return { source, line, column: col, path: '', message: e.message.split('\n')[0] ?? e.message };
      }),
    };
  }

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return {
      ok: false,
      errors: [
        {
          source,
          line: 1,
          column: 1,
          path: '',
          message: errorMessage(error),
        },
      ],
    };
  }
  // An empty document is a policy that keeps every default.
  const document = raw ?? {};
  const result = policySchema.safeParse(document);
  const problems = [
    ...(result.success
      ? []
      : result.error.issues.map((issue) => {
          const path = segmentsOf(issue.path);
          const known = knownKeysOf(issue);
          const key = String(path[path.length - 1] ?? '');
          return {
            path,
            atKey: known !== undefined,
            message: known ? `unknown key "${key}"${didYouMean(key, known)}` : issue.message,
          };
        })),
    ...crossRuleProblems(document).map((p) => ({ ...p, atKey: false })),
  ];
  if (result.success && problems.length === 0) return { ok: true, policy: resolvePolicy(result.data) };

  const errors = problems
    .map((p): PolicyError => {
      const { line, column } = positionOf(doc, p.path, lineCounter, p.atKey);
      return { source, line, column, path: formatPath(p.path), message: p.message };
    })
    .sort((a, b) => a.line - b.line || a.column - b.column);
  return { ok: false, errors };
};

/** One line per error, `file:line:column: path: message`, as compilers print them. */
export const formatPolicyErrors = (errors: readonly PolicyError[]): string =>
  errors
    .map((e) => `${e.source}:${e.line}:${e.column}: ${e.path ? `${e.path}: ` : ''}${e.message}`)
    .join('\n');
