import {
  ATELIER_PRODUCT_DEFAULTS,
  type CatalogSource,
  type FeatureRow,
  type PhotoRow,
  type ProductRow,
  type RelatedRow,
  type SkuRow,
  type StyleRow,
} from '../../../core/workloads/catalog/index.ts';

/**
 * A deterministic catalog with the Atelier proportions per product (styles 2,
 * photos 5.6, skus 11, features 2.2, related 4.5) and Atelier-like text sizes,
 * for this adapter's loader tests and benchmarks. Counts follow fixed patterns,
 * so a run is reproducible and every table is a fresh pass over its parents.
 */
export function syntheticCatalog(productCount: number): CatalogSource {
  const photosOf = (styleId: number) => (styleId % 5 < 4 ? 3 : 2); // 2.8 per style
  const skusOf = (styleId: number) => (styleId % 2 === 1 ? 5 : 6); // 5.5 per style
  const featuresOf = (productId: number) => (productId % 5 === 0 ? 3 : 2); // 2.2 per product
  const relatedOf = (productId: number) => (productId % 2 === 1 ? 4 : 5); // 4.5 per product
  const SIZES = ['XS', 'S', 'M', 'L', 'XL', 'XXL'];
  const styleCount = productCount * 2;

  async function* products(): AsyncGenerator<ProductRow> {
    for (let id = 1; id <= productCount; id++) {
      yield {
        id,
        name: `Camo Onesie ${id}`,
        slogan: 'Blend in to your crowd, stand out from the rest of them.',
        description:
          'The So Fatigues will wake you up and fit you in. This high energy camo will have you blending in to even the wildest surroundings.',
        category: id % 3 === 0 ? 'Jackets' : 'Pants',
        default_price: String(100 + (id % 900)),
        ...ATELIER_PRODUCT_DEFAULTS,
      };
    }
  }
  async function* features(): AsyncGenerator<FeatureRow> {
    let id = 0;
    for (let productId = 1; productId <= productCount; productId++) {
      for (let n = 0; n < featuresOf(productId); n++) {
        yield {
          id: ++id,
          product_id: productId,
          feature: n === 0 ? 'Fabric' : 'Buttons',
          value: n === 2 ? null : 'Canvas',
        };
      }
    }
  }
  async function* styles(): AsyncGenerator<StyleRow> {
    for (let id = 1; id <= styleCount; id++) {
      yield {
        id,
        product_id: Math.ceil(id / 2),
        name: `Forest Green & Black ${id}`,
        sale_price: id % 4 === 0 ? String(50 + (id % 90)) : null,
        original_price: String(140 + (id % 60)),
        default_style: id % 2 === 1,
      };
    }
  }
  async function* photos(): AsyncGenerator<PhotoRow> {
    let id = 0;
    for (let styleId = 1; styleId <= styleCount; styleId++) {
      for (let n = 0; n < photosOf(styleId); n++) {
        id++;
        yield {
          id,
          style_id: styleId,
          url: `https://images.unsplash.com/photo-1501088430049-71c79fa3283e?ixlib=rb-1.2.1&auto=format&fit=crop&w=668&q=80&i=${id}`,
          thumbnail_url: `https://images.unsplash.com/photo-1501088430049-71c79fa3283e?ixlib=rb-1.2.1&auto=format&fit=crop&w=300&q=80&i=${id}`,
        };
      }
    }
  }
  async function* skus(): AsyncGenerator<SkuRow> {
    let id = 0;
    for (let styleId = 1; styleId <= styleCount; styleId++) {
      for (let n = 0; n < skusOf(styleId); n++)
        yield { id: ++id, style_id: styleId, size: SIZES[n]!, quantity: (id * 7) % 60 };
    }
  }
  async function* related(): AsyncGenerator<RelatedRow> {
    let id = 0;
    for (let productId = 1; productId <= productCount; productId++) {
      for (let n = 1; n <= relatedOf(productId); n++) {
        yield {
          id: ++id,
          current_product_id: productId,
          related_product_id: ((productId + n * 7919) % productCount) + 1,
        };
      }
    }
  }
  return { products, features, styles, photos, skus, related };
}

/** Expected row counts of `syntheticCatalog(productCount)`, computed without generating. */
export function syntheticCatalogCounts(productCount: number): Record<string, number> {
  let features = 0;
  let related = 0;
  let photos = 0;
  let skus = 0;
  for (let p = 1; p <= productCount; p++) {
    features += p % 5 === 0 ? 3 : 2;
    related += p % 2 === 1 ? 4 : 5;
  }
  for (let s = 1; s <= productCount * 2; s++) {
    photos += s % 5 < 4 ? 3 : 2;
    skus += s % 2 === 1 ? 5 : 6;
  }
  return { products: productCount, styles: productCount * 2, features, photos, skus, related };
}
