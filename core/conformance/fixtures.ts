import type {
  CatalogSource,
  FeatureRow,
  PhotoRow,
  ProductRow,
  RelatedRow,
  SkuRow,
  StyleRow,
} from '../workloads/catalog/types.ts';
import type { OverviewRecord } from '../workloads/overview/types.ts';
import type { UsageInput } from '../workloads/usages/types.ts';

/**
 * A small catalog written by hand to hit the edges: text that breaks naive COPY/CSV/CQL
 * escaping, null feature values and sale prices, a product without styles, features
 * or related rows, and rows delivered out of id order (loaders must not depend on order).
 */
const AWKWARD = 'tab\there, newline\nthere, back\\slash, "quotes", comma, \u00e9t\u00e9 \u{1F680}, {brace}, NULL, \\N';

export const PRODUCT_COUNT = 12;
export const products: ProductRow[] = Array.from({ length: PRODUCT_COUNT }, (_, i) => {
  const id = i + 1;
  return {
    id,
    name: id === 5 ? AWKWARD : `Product ${id}`,
    slogan: `Slogan ${id}`,
    description: id === 6 ? '' : `Description of product ${id}.`,
    category: id % 2 === 0 ? 'Jackets' : 'Pants',
    default_price: ['140', '0', '19.99', '1000000'][i % 4]!,
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

export async function* iterate<T>(rows: readonly T[]): AsyncIterable<T> {
  yield* rows;
}

export const catalogSource: CatalogSource = {
  products: () => iterate([...products].reverse()),
  features: () => iterate(features),
  styles: () => iterate(styles),
  photos: () => iterate(photos),
  skus: () => iterate(skus),
  related: () => iterate(related),
};

export const OVERVIEW_COUNT = 20;
export const overviewRecords: OverviewRecord[] = Array.from({ length: OVERVIEW_COUNT }, (_, i) => {
  const id = i + 1;
  return {
    game_id: id,
    game_name: id === 7 ? AWKWARD : `Game ${id}`,
    description: id === 8 ? 'line one\nline two\ttabbed' : `About game ${id}`,
    release_date: `20${String(10 + (id % 10)).padStart(2, '0')}-0${(id % 9) + 1}-1${id % 10}`,
    developer: `Studio ${id % 4}`,
    publisher: `Publisher ${id % 3}`,
    tags:
      id === 7
        ? ['"quoted"', 'comma,tag', '{brace}', 'back\\slash', 'NULL', '\u00e9t\u00e9']
        : id === 9
          ? []
          : ['Action', `Tag ${id}`],
  };
});

export const usageInputs: UsageInput[] = Array.from({ length: 5 }, (_, i) => ({
  patientId: String(100 + i),
  timestamp: 'Tue Nov 01 2016 09:11:51 GMT-0500 (CDT)',
  medication: i === 2 ? AWKWARD : 'Albuterol',
}));
