import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { deployedBuild } from '../../devtools/deployedBuild';
import { EventStreamSerde, eventStreamSerdeProvider } from '../../lib/wiring/noEventStreams';

const FUNCTIONS = ['onJobStateChange', 'sweep', 'slackActions'];

describe("the Lambda bundles' SDK", () => {
  it('fails by name should a call ever need the event streams left out', () => {
    expect(() => new EventStreamSerde()).toThrow(/event streams are left out/);
    expect(() => eventStreamSerdeProvider()).toThrow(/lib\/wiring\/noEventStreams\.ts/);
  });

  it('is loaded whole with each function, as serverless.yml builds it: no SDK module behind a lazy initialiser, no full zod', async () => {
    const { options } = await deployedBuild();
    for (const name of FUNCTIONS) {
      const result = await build({
        ...options,
        // Unminified, so that esbuild's helpers keep their names.
        minify: false,
        entryPoints: [`functions/${name}.ts`],
        outdir: name,
        write: false,
        metafile: true,
        logLevel: 'silent',
      });
      // Without code splitting, an ES module reached by a dynamic import is wrapped, and so is
      // every module it shares with the rest: kept whole (not tree-shaken) and initialised
      // through a function call. With it (serverless.yml), such a module is a chunk of its own,
      // and nothing is wrapped: the stand-in for the event streams, which the SDK imports so,
      // is one of those chunks, alone.
      const wrapped = (result.outputFiles ?? []).flatMap((file) =>
        [...file.text.matchAll(/= __esm\(\{\s*"([^"]+)"/g)].map((m) => m[1]),
      );
      expect(wrapped, name).toEqual([]);
      const streams = Object.values(result.metafile.outputs).find(
        (output) => output.entryPoint === 'lib/wiring/noEventStreams.ts',
      );
      expect(Object.keys(streams?.inputs ?? {}), name).toEqual(['lib/wiring/noEventStreams.ts']);
      const kept = Object.values(result.metafile.outputs).flatMap((output) =>
        Object.entries(output.inputs)
          .filter(([, input]) => input.bytesInOutput > 0)
          .map(([file]) => file),
      );
      expect(
        kept.filter((file) => /zod\/v4\/classic\/|submodules\/event-streams\//.test(file)),
        name,
      ).toEqual([]);
    }
  }, 120_000);
});
