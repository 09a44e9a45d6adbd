import { createHash } from 'node:crypto';
import Module from 'node:module';

/**
 * dynalite places every item, in its table and in each index, under an MD5 of its key (its
 * `hashPrefix`): an UpdateItem on the ledger, with five indexes, hashes the old and the new item's
 * keys for each index, about twenty MD5s of the same few keys. An MD5 of the same bytes is the
 * same digest, so the digests are kept by the bytes hashed. Bounded: a long replay's distinct
 * keys are many, and the memo starts afresh when it is full.
 */
const MEMO_LIMIT = 100_000;
const digests = new Map<string, string>();

type Chunk = string | NodeJS.ArrayBufferView;

/** A hash that records what it is given and asks the memo for its digest. */
class RememberedMd5 {
  private readonly chunks: Buffer[] = [];

  update(chunk: Chunk, encoding?: BufferEncoding): this {
    this.chunks.push(
      typeof chunk === 'string'
        ? Buffer.from(chunk, encoding ?? 'utf8')
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength),
    );
    return this;
  }

  digest(encoding: 'hex'): string {
    const bytes = Buffer.concat(this.chunks);
    // latin1 maps each byte to one character: distinct bytes, distinct keys.
    const key = bytes.toString('latin1');
    let digest = digests.get(key);
    if (digest === undefined) {
      digest = createHash('md5').update(bytes).digest(encoding);
      if (digests.size >= MEMO_LIMIT) digests.clear();
      digests.set(key, digest);
    }
    return digest;
  }
}

/** What dynalite's store module asks of `crypto` (MD5s of keys, as hex); anything else is refused. */
const rememberingCrypto = {
  createHash(algorithm: string): RememberedMd5 {
    if (algorithm !== 'md5') throw new Error(`dynalite's store asked for ${algorithm}; only md5 is memoized`);
    return new RememberedMd5();
  },
};

interface ModuleLoader {
  _load(request: string, parent: { filename?: string } | undefined, isMain: boolean): unknown;
}

/**
 * Loads `modulePath` (dynalite's store module, not loaded yet) with `rememberingCrypto` as its
 * `crypto`: only that module's own `require('crypto')` is answered so, while it loads.
 */
export const loadWithRememberedKeyHashes = <T>(modulePath: string, load: () => T): T => {
  const loader = Module as unknown as ModuleLoader;
  const original = loader._load;
  loader._load = function (this: unknown, request, parent, isMain) {
    if ((request === 'crypto' || request === 'node:crypto') && parent?.filename === modulePath)
      return rememberingCrypto;
    return original.call(this, request, parent, isMain);
  };
  try {
    return load();
  } finally {
    loader._load = original;
  }
};
