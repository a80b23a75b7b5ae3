// Chart tick labels are written without Intl.NumberFormat (its first use blocked the page 0.1 s).
import { describe, expect, it } from 'vitest';
import { plainNumber } from '../src/components/charts/format';

describe('chart tick labels', () => {
  it.each([
    [0, '0'],
    [0.35, '0.35'],
    [0.1 + 0.2, '0.3'],
    [2.5e-4, '0.00025'],
    [320, '320'],
    [1200, '1,200'],
    [-4500, '-4,500'],
    [1234567, '1,234,570'],
    [76.04, '76.04'],
  ])('%s → %s', (value, label) => {
    expect(plainNumber(value)).toBe(label);
  });

  it('says what Intl.NumberFormat says in English for the values charts show', () => {
    const intl = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 });
    for (const v of [0, 1, 12, 999, 1000, 65536, 0.5, 3.25, 1e-3, 42.125]) expect(plainNumber(v)).toBe(intl.format(v));
  });
});
