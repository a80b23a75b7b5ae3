// One colour per strategy (and the base model), the same in every chart; an Okabe–Ito palette,
// readable with the common colour-vision deficiencies.
export const STRATEGY_COLORS: Record<string, string> = {
  base: '#7a869a',
  original: '#E69F00',
  answer: '#0072B2',
  'think-summary': '#009E73',
  full: '#CC79A7',
};

export const colorFor = (name: string) => STRATEGY_COLORS[name] ?? '#555555';
