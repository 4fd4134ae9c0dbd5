/**
 * Rows encoded for `COPY ... FROM STDIN` in PostgreSQL's text format: columns
 * separated by tabs, rows ended by a newline, NULL written `\N`, and backslash,
 * tab, newline and carriage return escaped with a backslash.
 */
import type {
  FeatureRow,
  PhotoRow,
  ProductRow,
  RelatedRow,
  SkuRow,
  StyleRow,
} from '../../core/workloads/catalog/index.ts';
import type { OverviewRecord } from '../../core/workloads/overview/index.ts';
import type { UsageInput } from '../../core/workloads/usages/index.ts';

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPED = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Whether a short string holds a character that must be escaped (backslash, tab, LF, CR, and `"` if asked). */
function hasSpecial(value: string, quote: boolean): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 92 || c === 9 || c === 10 || c === 13 || (quote && c === 34)) return true;
  }
  return false;
}

/** One text value, escaped for the COPY text format. */
export function copyText(value: string): string {
  // Most values need nothing, so test before replacing (this runs per column of millions of rows).
  // Measured: a charCode loop wins on short strings, the regex engine on long ones.
  const special = value.length < 64 ? hasSpecial(value, false) : NEEDS_ESCAPE.test(value);
  return special ? value.replace(ESCAPED, (c) => ESCAPES[c]!) : value;
}

export function copyNullable(value: string | null): string {
  return value === null ? '\\N' : copyText(value);
}

/**
 * A `text[]` value: an array literal with every element double-quoted (so that
 * `NULL`, commas, braces and spaces stay plain text), `"` and `\` backslash-escaped
 * inside the quotes, then the literal escaped once more for COPY.
 */
export function copyTextArray(values: readonly string[]): string {
  let literal = '{';
  let special = false;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (hasSpecial(value, true)) special = true;
    literal += i === 0 ? `"${value}"` : `,"${value}"`;
  }
  literal += '}';
  if (!special) return literal;
  literal = `{${values.map((v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
  return copyText(literal);
}

/** Numbers go through String(): the schema's integer columns reject anything else loudly. */
export const encodeRow = {
  usages: (u: UsageInput) => `${copyText(u.patientId)}\t${copyText(u.timestamp)}\t${copyText(u.medication)}\n`,
  overview: (o: OverviewRecord) =>
    `${o.game_id}\t${copyText(o.game_name)}\t${copyText(o.description)}\t${copyText(o.release_date)}\t` +
    `${copyText(o.developer)}\t${copyText(o.publisher)}\t${copyTextArray(o.tags)}\n`,
  products: (p: ProductRow) =>
    `${p.id}\t${copyText(p.name)}\t${copyText(p.slogan)}\t${copyText(p.description)}\t` +
    `${copyText(p.category)}\t${copyText(p.default_price)}\t${copyText(p.campus)}\t${p.created_at}\t${p.updated_at}\n`,
  features: (f: FeatureRow) => `${f.id}\t${f.product_id}\t${copyText(f.feature)}\t${copyNullable(f.value)}\n`,
  styles: (s: StyleRow) =>
    `${s.id}\t${s.product_id}\t${copyText(s.name)}\t${copyNullable(s.sale_price)}\t` +
    `${copyText(s.original_price)}\t${s.default_style ? 't' : 'f'}\n`,
  photos: (p: PhotoRow) => `${p.id}\t${p.style_id}\t${copyText(p.url)}\t${copyText(p.thumbnail_url)}\n`,
  skus: (s: SkuRow) => `${s.id}\t${s.style_id}\t${copyText(s.size)}\t${s.quantity}\n`,
  related: (r: RelatedRow) => `${r.id}\t${r.current_product_id}\t${r.related_product_id}\n`,
};
