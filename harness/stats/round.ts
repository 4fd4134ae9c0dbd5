/** `x` rounded to `decimals` places (half away from zero for positives, as Math.round), for figures in records and reports. */
export function roundTo(x: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(x * scale) / scale;
}
