import assert from 'node:assert/strict';
import type { Backend } from '../../backend.ts';
import { AWKWARD, iterate } from '../../conformance/rows.ts';
import type { CatalogSource, FeatureRow, PhotoRow, ProductRow, RelatedRow, SkuRow, StyleRow } from './types.ts';

/** Timestamps at the edges: the epoch itself, a leap day, the last millisecond of a year, before 1970. */
const TIMESTAMPS = [
  '2021-08-13T14:38:44.509Z',
  '1970-01-01T00:00:00.000Z',
  '2024-02-29T00:00:00.001Z',
  '1999-12-31T23:59:59.999Z',
  '1969-07-20T20:17:40.000Z',
];

/**
 * A small catalog written by hand to hit the edges: text that breaks naive COPY/CSV/CQL
 * escaping, null feature values and sale prices, a product without styles, features
 * or related rows, and rows delivered out of id order (loaders must not depend on order).
 */
export const PRODUCT_COUNT = 12;
export const products: ProductRow[] = Array.from({ length: PRODUCT_COUNT }, (_, i) => {
  const id = i + 1;
  return {
    id,
    campus: id === 5 ? AWKWARD : ['hr-rfe', 'hr-lax', 'hr-nyc'][i % 3]!,
    name: id === 5 ? AWKWARD : `Product ${id}`,
    slogan: `Slogan ${id}`,
    description: id === 6 ? '' : `Description of product ${id}.`,
    category: id % 2 === 0 ? 'Jackets' : 'Pants',
    default_price: ['140', '0', '19.99', '1000000'][i % 4]!,
    created_at: TIMESTAMPS[i % TIMESTAMPS.length]!,
    updated_at: TIMESTAMPS[(i + 2) % TIMESTAMPS.length]!,
  };
});

export const features: FeatureRow[] = [
  { id: 2, product_id: 1, feature: 'Buttons', value: 'Brass' },
  { id: 1, product_id: 1, feature: 'Fabric', value: 'Canvas' },
  { id: 3, product_id: 1, feature: 'Lining', value: null },
  { id: 4, product_id: 3, feature: AWKWARD, value: AWKWARD },
  { id: 5, product_id: 12, feature: 'Sole', value: 'Rubber' },
];

export const styles: StyleRow[] = [
  { id: 2, product_id: 1, name: 'Desert Brown', sale_price: '100', original_price: '140', default_style: false },
  { id: 1, product_id: 1, name: 'Forest Green & Black', sale_price: null, original_price: '140', default_style: true },
  { id: 3, product_id: 3, name: AWKWARD, sale_price: null, original_price: '19.99', default_style: true },
  { id: 4, product_id: 12, name: 'Last', sale_price: '0', original_price: '1', default_style: true },
];

export const photos: PhotoRow[] = [
  { id: 2, style_id: 1, url: 'https://img.example/1b.jpg?w=800&q=80', thumbnail_url: 'https://img.example/1b_t.jpg' },
  { id: 1, style_id: 1, url: 'https://img.example/1a.jpg', thumbnail_url: 'https://img.example/1a_t.jpg' },
  { id: 3, style_id: 3, url: 'https://img.example/"quoted".jpg', thumbnail_url: 'https://img.example/\\.jpg' },
];

const SIZES = ['XS', 'S', 'M', 'L', 'XL', 'XXL'];
export const skus: SkuRow[] = [
  ...SIZES.map((size, i) => ({ id: 12 - i, style_id: 1, size, quantity: i * 3 })),
  { id: 1, style_id: 3, size: '7.5', quantity: 0 },
  { id: 2, style_id: 4, size: 'One Size', quantity: 2147483647 },
];

export const related: RelatedRow[] = [
  { id: 1, current_product_id: 1, related_product_id: 2 },
  { id: 3, current_product_id: 1, related_product_id: 8 },
  { id: 2, current_product_id: 1, related_product_id: 3 },
  { id: 4, current_product_id: 1, related_product_id: 7 },
  { id: 5, current_product_id: 2, related_product_id: 1 },
  { id: 6, current_product_id: 12, related_product_id: 12 },
];

export const catalogSource: CatalogSource = {
  products: () => iterate([...products].reverse()),
  features: () => iterate(features),
  styles: () => iterate(styles),
  photos: () => iterate(photos),
  skus: () => iterate(skus),
  related: () => iterate(related),
};

/** Loads the fixtures into a migrated, reset backend and checks the load report. */
export async function loadFixtures(backend: Backend): Promise<void> {
  const report = await backend.load.catalog(catalogSource);
  assert.ok(Object.values(report.rows).includes(PRODUCT_COUNT), 'catalog load reports the products');
}

/**
 * A catalog with Atelier's shape at toy scale, every table shuffled (loaders must not depend
 * on order, products must still list in id order) with ids that are not dense (products 10,
 * 20, 30...), so positions cannot be derived from ids. Deterministic: two calls give the same rows.
 */
export function shuffledCatalog(productCount: number): CatalogSource {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const shuffle = <T>(rows: T[]) => {
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }
  };
  const products: ProductRow[] = [];
  const features: FeatureRow[] = [];
  const styles: StyleRow[] = [];
  const photos: PhotoRow[] = [];
  const skus: SkuRow[] = [];
  const related: RelatedRow[] = [];
  for (let n = 1; n <= productCount; n++) {
    const p = n * 10;
    products.push({
      id: p,
      campus: `c${n % 3}`,
      name: `P${p}`,
      slogan: `S${p}`,
      description: `D${p}`,
      category: 'C',
      default_price: `${p}`,
      created_at: new Date(Date.UTC(2020, 0, 1) + p * 1001).toISOString(),
      updated_at: new Date(Date.UTC(2021, 0, 1) + p * 7).toISOString(),
    });
    for (let f = 0; f < n % 4; f++)
      features.push({ id: features.length + 1, product_id: p, feature: `F${f}`, value: f === 1 ? null : `V${f}` });
    for (let r = 0; r < n % 6; r++)
      related.push({
        id: related.length + 1,
        current_product_id: p,
        related_product_id: ((n + r * 7) % productCount) * 10 + 10,
      });
    for (let s = 0; s < n % 3; s++) {
      const style = styles.length + 1;
      styles.push({
        id: style,
        product_id: p,
        name: `St${style}`,
        sale_price: s === 0 ? null : '5',
        original_price: '10',
        default_style: s === 0,
      });
      for (let k = 0; k < (style % 7) + 1; k++)
        photos.push({ id: photos.length + 1, style_id: style, url: `u${k}`, thumbnail_url: `t${k}` });
      for (let k = 0; k < (style % 5) * 3; k++)
        skus.push({ id: skus.length + 1, style_id: style, size: `Z${k}`, quantity: k });
    }
  }
  for (const rows of [products, features, styles, photos, skus, related] as unknown[][]) shuffle(rows);
  return {
    products: () => iterate(products),
    features: () => iterate(features),
    styles: () => iterate(styles),
    photos: () => iterate(photos),
    skus: () => iterate(skus),
    related: () => iterate(related),
  };
}

/** One product with one style, and a photo naming style 999, which is not in the source. */
export function orphanPhotoCatalog(): CatalogSource {
  return {
    products: () => iterate([{ ...products[0]!, id: 1 }]),
    features: () => iterate<FeatureRow>([]),
    styles: () =>
      iterate([{ id: 1, product_id: 1, name: 's', sale_price: null, original_price: '1', default_style: true }]),
    photos: () => iterate([{ id: 1, style_id: 999, url: 'u', thumbnail_url: 't' }]),
    skus: () => iterate<SkuRow>([]),
    related: () => iterate<RelatedRow>([]),
  };
}
