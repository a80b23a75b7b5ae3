import { describe, expect, it } from 'vitest';
import { readUrlSettings } from '../src/lib/url-params';

describe('page address settings', () => {
  it('reads a thread count, and leaves it to the hardware without one', () => {
    expect(readUrlSettings('?backend=wasm&threads=2')).toMatchObject({ backend: 'wasm', threads: 2 });
    expect(readUrlSettings('?backend=wasm').threads).toBeNull();
    expect(readUrlSettings('?backend=wasm').badThreads).toBeUndefined();
  });

  it('keeps a bad thread count aside, for the page to say so', () => {
    for (const bad of ['0', '2.5', '9', 'many']) {
      const s = readUrlSettings(`?threads=${bad}`);
      expect(s.threads).toBeNull();
      expect(s.badThreads).toBe(bad);
    }
  });
});
