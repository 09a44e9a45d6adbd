import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';

/** What the policy file's readers use of the YAML parser. */
export interface Yaml {
  readonly LineCounter: typeof LineCounter;
  readonly parseDocument: typeof parseDocument;
  readonly isAlias: typeof isAlias;
  readonly isMap: typeof isMap;
  readonly isScalar: typeof isScalar;
  readonly isSeq: typeof isSeq;
}

const YAML: Yaml = { LineCounter, parseDocument, isAlias, isMap, isScalar, isSeq };

/**
 * The YAML parser, asked for only when a policy text is not plain JSON (plainJson.ts). The
 * Lambda bundles replace this module (scripts/esbuildPlugins.cjs) with one that loads the
 * parser from a file of its own at the first call: a function whose policy is JSON then never
 * compiles its 110 KB, and every cold start's import is that much shorter.
 */
export const yamlModule = (): Yaml => YAML;
