import type { Document, LineCounter, Node } from 'yaml';
import { yamlModule } from './yamlModule';

export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `rules[2].idle.insideWorkingHours`; odd keys quoted: `match.tags["team:ml"]`. Root: "". */
export const formatPath = (path: readonly PathSegment[]): string =>
  path
    .map((segment, i) => {
      if (typeof segment === 'number') return `[${segment}]`;
      if (IDENTIFIER.test(segment)) return i === 0 ? segment : `.${segment}`;
      return `[${JSON.stringify(segment)}]`;
    })
    .join('');

export interface Position {
  readonly line: number;
  readonly column: number;
}

const startOf = (node: Node | null | undefined): number | undefined => node?.range?.[0];

/**
 * The text position of a path in the document: of its value, or of the key itself when
 * `atKey` (an unknown key is best shown where it is written). A path that leaves the document
 * (a missing key) stops at the deepest node that exists, which is where the fix goes.
 */
export const positionOf = (
  doc: Document,
  path: readonly PathSegment[],
  lineCounter: LineCounter,
  atKey: boolean,
): Position => {
  const { isAlias, isMap, isScalar, isSeq } = yamlModule();
  let node: unknown = doc.contents;
  let offset = startOf(doc.contents) ?? 0;
  for (let i = 0; i < path.length; i++) {
    if (isAlias(node)) node = node.resolve(doc);
    const segment = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair || !isScalar(pair.key)) break;
      const keyStart = startOf(pair.key) ?? offset;
      if (atKey && i === path.length - 1) {
        offset = keyStart;
        break;
      }
      node = pair.value;
      offset =
        isScalar(pair.value) || isMap(pair.value) || isSeq(pair.value)
          ? (startOf(pair.value) ?? keyStart)
          : keyStart;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (!isScalar(item) && !isMap(item) && !isSeq(item)) break;
      node = item;
      offset = startOf(item) ?? offset;
    } else {
      break;
    }
  }
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
};
