import { createRequire } from 'node:module';

interface MemoryLevelModule {
  MemoryLevel: new (options?: Record<string, unknown>) => object;
}

const dynaliteMain = createRequire(import.meta.url).resolve('dynalite');
const fromDynalite = createRequire(dynaliteMain);
/** memory-level as dynalite itself resolves it: the very module whose class it instantiates. */
const memoryLevel = fromDynalite('memory-level') as MemoryLevelModule;
const marked = Symbol.for('poolwarden.dynaliteStringStore');

/**
 * Makes dynalite's in-memory store keep strings rather than bytes. dynalite builds its store as
 * `new MemoryLevel({ valueEncoding: 'json' })`, which stores every key and item as bytes: each
 * write encodes JSON to bytes and each read (a Query reads every item it returns) decodes them
 * back, about a tenth of the local stack's CPU. memory-level's own `storeEncoding: 'utf8'` skips
 * the byte step; dynalite offers no option for it, so its class is swapped for one that sets it.
 * Order differs only between keys holding characters beyond U+FFFF and keys holding U+E000–U+FFFF
 * (UTF-16 order instead of DynamoDB's UTF-8 byte order); on-disk stores (`--data-dir`) are not
 * affected. It must run before dynalite is loaded (dynalite reads the class once, as it loads);
 * it answers whether dynalite's stores keep strings.
 */
export const keepDynaliteStoreAsStrings = (): boolean => {
  const Base = memoryLevel.MemoryLevel;
  if ((Base as unknown as Record<symbol, boolean>)[marked]) return true;
  if (fromDynalite.cache[dynaliteMain]) return false;
  class StringMemoryLevel extends Base {
    static readonly [marked] = true;
    constructor(options?: Record<string, unknown>) {
      super({ storeEncoding: 'utf8', ...options });
    }
  }
  Object.defineProperty(memoryLevel, 'MemoryLevel', { value: StringMemoryLevel, enumerable: true });
  return true;
};

/** Whether a store that dynalite created now would keep strings (a byte store also speaks `buffer`). */
export const dynaliteStoreKeepsStrings = (): boolean => {
  const store = new memoryLevel.MemoryLevel({ valueEncoding: 'json' }) as {
    supports: { encodings: Record<string, boolean | undefined> };
  };
  return store.supports.encodings.utf8 === true && store.supports.encodings.buffer !== true;
};
