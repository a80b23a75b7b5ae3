/** A tick label: at most 6 significant digits, thousands grouped with commas ("1,200", "0.35"), as Intl.NumberFormat in English would. */
export function plainNumber(value: number): string {
  const n = Number(value.toPrecision(6));
  const [whole, fraction] = String(Math.abs(n)).split('.');
  const grouped = whole.length > 3 ? whole.replace(/\B(?=(\d{3})+$)/g, ',') : whole;
  return `${n < 0 ? '-' : ''}${grouped}${fraction ? `.${fraction}` : ''}`;
}
