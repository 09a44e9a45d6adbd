import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';
import { parse } from 'yaml';

/** serverless-esbuild's own settings, which are not esbuild's. */
const PLUGIN_ONLY = new Set(['exclude', 'outputFileExtension', 'packager', 'packagerOptions', 'nativeZip']);

/** `${env:NAME, default}` as the Serverless Framework resolves it, for the settings that use it. */
const resolveEnv = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  const match = /^\$\{env:([A-Z0-9_]+),\s*(.+)\}$/.exec(value);
  if (!match) return value;
  const given = process.env[match[1] ?? ''];
  if (given !== undefined) return given;
  const fallback = match[2]?.trim();
  return fallback === 'false' ? false : fallback === 'true' ? true : fallback?.replace(/^'|'$/g, '');
};

export interface DeployedBuild {
  readonly options: BuildOptions;
  readonly nodeOptions: string | undefined;
}

/** The esbuild options and the NODE_OPTIONS of serverless.yml: the one place they are written. */
export const deployedBuild = async (): Promise<DeployedBuild> => {
  const text = await readFile('serverless.yml', 'utf8');
  const document = parse(text.replace(/\$\{self:[^}]+\}|\$\{opt:[^}]+\}/g, 'x'), { logLevel: 'error' }) as {
    custom: { esbuild: Record<string, unknown> };
    provider: { environment?: Record<string, unknown> };
  };
  const options = Object.fromEntries(
    Object.entries(document.custom.esbuild)
      .filter(([key]) => !PLUGIN_ONLY.has(key))
      .map(([key, value]) => [key, resolveEnv(value)]),
  ) as BuildOptions;
  // serverless-esbuild takes the plugins as a file to require, relative to the project.
  const plugins = options.plugins as unknown;
  if (typeof plugins === 'string')
    options.plugins = createRequire(import.meta.url)(resolve(plugins)) as Plugin[];
  const nodeOptions = document.provider.environment?.NODE_OPTIONS;
  return { options, nodeOptions: typeof nodeOptions === 'string' ? nodeOptions : undefined };
};
