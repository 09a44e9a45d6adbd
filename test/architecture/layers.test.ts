import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layers, lowest first: a file may import its own layer and the layers below it, never one
 * above. The product code (lib, functions) never imports the developer tooling (devtools), except
 * the CLI commands that run it.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['lib/domain'],
  ['lib/ports'],
  // How input formats are checked (the schema library's setup), below every layer that checks one.
  ['lib/schema'],
  ['lib/events', 'lib/policyFile', 'lib/trace'],
  ['lib/app'],
  ['lib/notify'],
  ['lib/adapters'],
  ['lib/wiring'],
  ['functions', 'lib/cli'],
  ['devtools', 'bench'],
];

/** The CLI commands that drive the developer tooling: `local`, `whatif`, `tune`. */
const MAY_IMPORT_DEVTOOLS = [
  /^lib\/cli\/commands\/local\w*\.ts$/,
  /^lib\/cli\/commands\/(whatif|tune)\w*\.ts$/,
];

const ROOT = join(import.meta.dirname, '..', '..');
const SOURCES = ['lib', 'functions', 'devtools', 'bench'];

const layerOf = (file: string): number => {
  const index = LAYERS.findIndex((folders) => folders.some((f) => file === f || file.startsWith(`${f}/`)));
  if (index < 0) throw new Error(`${file} is in no layer: add its folder to LAYERS`);
  return index;
};

const sourceFiles = async (): Promise<string[]> => {
  const files: string[] = [];
  for (const top of SOURCES) {
    for (const entry of await readdir(join(ROOT, top), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.ts')) {
        files.push(relative(ROOT, join(entry.parentPath, entry.name)).split('\\').join('/'));
      }
    }
  }
  return files.sort();
};

/** Relative imports of a file, resolved to repository paths (type-only imports included). */
const importsOf = (file: string, known: ReadonlySet<string>): string[] => {
  const info = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
  return info.importedFiles
    .map((i) => i.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => {
      const base = normalize(join(dirname(file), name))
        .split('\\')
        .join('/');
      const target = [base, `${base}.ts`, `${base}/index.ts`].find((c) => known.has(c));
      if (!target) throw new Error(`${file}: cannot resolve ${name}`);
      return target;
    });
};

/** Every import circle between files (Tarjan's strongly connected components of two or more files). */
const circles = (graph: ReadonlyMap<string, readonly string[]>): string[][] => {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file) ?? 0);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      for (let f = stack.pop(); f !== undefined; f = stack.pop()) {
        onStack.delete(f);
        component.push(f);
        if (f === file) break;
      }
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
};

describe('the layers', async () => {
  const files = await sourceFiles();
  const known = new Set(files);
  const graph = new Map(files.map((f) => [f, importsOf(f, known)]));

  it('has every source file in a layer', () => {
    for (const file of files) expect(() => layerOf(file)).not.toThrow();
  });

  it('has no import pointing up a layer', () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      targets
        .filter((target) => layerOf(target) > layerOf(file))
        .filter(
          (target) => !(target.startsWith('devtools/') && MAY_IMPORT_DEVTOOLS.some((p) => p.test(file))),
        )
        .map((target) => `${file} -> ${target}`),
    );
    expect(upward).toEqual([]);
  });

  it('has no import circle between files', () => {
    expect(circles(graph)).toEqual([]);
  });
});
