/**
 * The value of a text written as JSON, when reading it as YAML (as parsePolicy does, with
 * unique keys and merge keys) would give the same value with no error nor warning; otherwise
 * undefined, and the text is read as YAML. JSON is YAML's subset but for what this scan
 * refuses: a key repeated in one object (an error in YAML), the merge key `<<`, `__proto__`,
 * a key over YAML's 1,024 characters for implicit keys or whose colon is on another line,
 * and tabs or lone carriage returns between tokens (YAML's flow collections take fewer
 * blanks than JSON). Only an object at the top: a policy is one.
 */
export const plainJsonValue = (text: string): unknown => {
  if (!/^[ \n]*\{/.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  // The keys of each open object, innermost last; undefined for an array.
  const open: Array<Set<string> | undefined> = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const keys = open[open.length - 1];
      if (expectKey && keys) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (keys.has(key) || key === '<<' || key === '__proto__' || end + 1 - i > 1024) return undefined;
        keys.add(key);
        let colon = end + 1;
        while (text[colon] === ' ') colon++;
        if (text[colon] !== ':') return undefined;
        expectKey = false;
      }
      i = end;
    } else if (c === '{') {
      open.push(new Set());
      expectKey = true;
    } else if (c === '[') {
      open.push(undefined);
      expectKey = false;
    } else if (c === '}' || c === ']') {
      open.pop();
      expectKey = false;
    } else if (c === ',') {
      expectKey = open[open.length - 1] !== undefined;
    } else if (c === '\t' || (c === '\r' && text[i + 1] !== '\n')) {
      return undefined;
    }
  }
  return value;
};
