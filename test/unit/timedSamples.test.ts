import { describe, expect, it } from 'vitest';
import { TimedSamples } from '../../lib/adapters/memory/timedSamples';
import { newestGapFirst } from '../../lib/ports/usageStats';

interface Sample {
  readonly job: string;
  readonly atMs: number;
  readonly value: number;
}

describe('TimedSamples', () => {
  it('answers as a sort of every sample written would, the last write of a job and instant winning', () => {
    const samples = new TimedSamples<Sample>();
    const reference = new Map<string, Sample>();
    // Mostly in time order, some late, some rewritten (as a resolved gap rewrites its placeholder).
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 400; i++) {
      const atMs = next() < 0.2 ? Math.floor(next() * i) * 1000 : i * 1000;
      const job = `job-${Math.floor(next() * 5)}`;
      const sample = { job, atMs, value: i };
      samples.set(sample);
      reference.set(`${atMs}#${job}`, sample);
      const limit = 1 + Math.floor(next() * 30);
      expect(samples.newest(limit)).toEqual([...reference.values()].sort(newestGapFirst).slice(0, limit));
    }
  });

  it('answers nothing before anything is written', () => {
    expect(new TimedSamples<Sample>().newest(5)).toEqual([]);
  });
});
