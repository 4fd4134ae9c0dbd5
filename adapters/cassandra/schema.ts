import type { types } from 'cassandra-driver';
import type { ProductRow, ProductSummary } from '../../core/workloads/catalog/index.ts';

/**
 * The keyspace and its query-first tables: one table per read the API makes, each
 * answered by a single partition read.
 *
 * - `products`: the product as static columns, its features as clustering rows
 *   (GET /products/:id reads one partition).
 * - `product_list`: product summaries at their position in id order, bucketed by
 *   LIST_BUCKET positions (GET /products reads one or two partitions).
 * - `product_styles`: style headers (kind 0), photos (kind 1) and skus (kind 2) as
 *   clustering rows of the product's partition, ordered by style, kind, item id
 *   (GET /products/:id/styles reads one partition).
 * - `related`: related ids clustered by related row id.
 * - `overview`: one partition per game; tags a frozen list (one cell, no tombstone on insert).
 * - `usages`: one partition per timeuuid.
 * `known` static columns mark products that exist without children, so an unknown
 * product (undefined) is told apart from one with no styles or related rows ([]).
 */
export const LIST_BUCKET = 1000;

/** Kinds of rows in a product's `product_styles` partition, in the order they cluster. */
export const STYLE_ROW = { header: 0, photo: 1, sku: 2 } as const;

export const TABLES = ['products', 'product_list', 'product_styles', 'related', 'overview', 'usages'] as const;

export function keyspaceDdl(keyspace: string, datacenter: string, replicationFactor: number): string {
  return (
    `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = ` +
    `{'class': 'NetworkTopologyStrategy', '${datacenter}': ${replicationFactor}}`
  );
}

/** A product's own columns, in the order of {@link summaryParams}: in products (static) and in product_list. */
export const SUMMARY_COLUMNS = 'name, slogan, description, category, default_price, campus, created_at, updated_at';
const SUMMARY_MARKS = '?, ?, ?, ?, ?, ?, ?, ?';

/** A product row's values for SUMMARY_COLUMNS (timestamps as the driver's Date). */
export function summaryParams(row: ProductRow): unknown[] {
  const { name, slogan, description, category, default_price, campus } = row;
  return [
    ...[name, slogan, description, category, default_price, campus].map(String),
    new Date(row.created_at),
    new Date(row.updated_at),
  ];
}

/** A product's summary from a row holding SUMMARY_COLUMNS. */
export function summaryOf(id: number, row: types.Row): ProductSummary {
  return {
    id,
    campus: row.campus as string,
    name: row.name as string,
    slogan: row.slogan as string,
    description: row.description as string,
    category: row.category as string,
    default_price: row.default_price as string,
    created_at: (row.created_at as Date).toISOString(),
    updated_at: (row.updated_at as Date).toISOString(),
  };
}

export function tableDdl(ks: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${ks}.products (
       id int, feature_id int,
       name text static, slogan text static, description text static, category text static, default_price text static,
       campus text static, created_at timestamp static, updated_at timestamp static,
       feature text, value text,
       PRIMARY KEY (id, feature_id))`,
    `CREATE TABLE IF NOT EXISTS ${ks}.product_list (
       bucket int, pos int, id int,
       name text, slogan text, description text, category text, default_price text,
       campus text, created_at timestamp, updated_at timestamp,
       PRIMARY KEY (bucket, pos))`,
    `CREATE TABLE IF NOT EXISTS ${ks}.product_styles (
       product_id int, style_id int, kind tinyint, item_id int,
       known boolean static,
       name text, original_price text, sale_price text, is_default boolean,
       thumbnail_url text, url text,
       size text, quantity int,
       PRIMARY KEY (product_id, style_id, kind, item_id))`,
    `CREATE TABLE IF NOT EXISTS ${ks}.related (
       product_id int, row_id int, related_id int, known boolean static,
       PRIMARY KEY (product_id, row_id))`,
    `CREATE TABLE IF NOT EXISTS ${ks}.overview (
       game_id int PRIMARY KEY,
       game_name text, description text, release_date date, developer text, publisher text,
       tags frozen<list<text>>)`,
    `CREATE TABLE IF NOT EXISTS ${ks}.usages (
       id timeuuid PRIMARY KEY, patient_id text, usage_timestamp text, medication text)`,
  ];
}

/** Every statement the adapter runs, prepared once by the driver (`prepare: true`). */
export function statements(ks: string) {
  return {
    insertUsage: `INSERT INTO ${ks}.usages (id, patient_id, usage_timestamp, medication) VALUES (?, ?, ?, ?)`,
    selectUsage: `SELECT patient_id, usage_timestamp, medication FROM ${ks}.usages WHERE id = ?`,

    selectOverview: `SELECT game_id, game_name, description, release_date, developer, publisher, tags FROM ${ks}.overview WHERE game_id = ?`,
    insertOverview: `INSERT INTO ${ks}.overview (game_id, game_name, description, release_date, developer, publisher, tags) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    createOverview: `INSERT INTO ${ks}.overview (game_id, game_name, description, release_date, developer, publisher, tags) VALUES (?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS`,
    replaceOverview: `UPDATE ${ks}.overview SET game_name = ?, description = ?, release_date = ?, developer = ?, publisher = ?, tags = ? WHERE game_id = ? IF EXISTS`,
    deleteOverview: `DELETE FROM ${ks}.overview WHERE game_id = ? IF EXISTS`,

    selectProduct: `SELECT ${SUMMARY_COLUMNS}, feature_id, feature, value FROM ${ks}.products WHERE id = ?`,
    insertProduct: `INSERT INTO ${ks}.products (id, ${SUMMARY_COLUMNS}) VALUES (?, ${SUMMARY_MARKS})`,
    insertFeature: `INSERT INTO ${ks}.products (id, feature_id, feature, value) VALUES (?, ?, ?, ?)`,

    selectListRange: `SELECT id, ${SUMMARY_COLUMNS} FROM ${ks}.product_list WHERE bucket = ? AND pos >= ? AND pos < ?`,
    insertListing: `INSERT INTO ${ks}.product_list (bucket, pos, id, ${SUMMARY_COLUMNS}) VALUES (?, ?, ?, ${SUMMARY_MARKS})`,

    selectStyles: `SELECT known, style_id, kind, item_id, name, original_price, sale_price, is_default, thumbnail_url, url, size, quantity FROM ${ks}.product_styles WHERE product_id = ?`,
    markStyles: `INSERT INTO ${ks}.product_styles (product_id, known) VALUES (?, true)`,
    insertStyle: `INSERT INTO ${ks}.product_styles (product_id, style_id, kind, item_id, name, original_price, sale_price, is_default) VALUES (?, ?, ${STYLE_ROW.header}, 0, ?, ?, ?, ?)`,
    insertPhoto: `INSERT INTO ${ks}.product_styles (product_id, style_id, kind, item_id, thumbnail_url, url) VALUES (?, ?, ${STYLE_ROW.photo}, ?, ?, ?)`,
    insertSku: `INSERT INTO ${ks}.product_styles (product_id, style_id, kind, item_id, size, quantity) VALUES (?, ?, ${STYLE_ROW.sku}, ?, ?, ?)`,

    selectRelated: `SELECT known, row_id, related_id FROM ${ks}.related WHERE product_id = ?`,
    markRelated: `INSERT INTO ${ks}.related (product_id, known) VALUES (?, true)`,
    insertRelated: `INSERT INTO ${ks}.related (product_id, row_id, related_id) VALUES (?, ?, ?)`,
  };
}

export type Statements = ReturnType<typeof statements>;
