import type { WorkloadName } from '../../core/backend.ts';
import type { ClientBase } from 'pg';

/**
 * The PostgreSQL schema of every workload, kept beside the adapter.
 *
 * Tables are created bare (columns and NOT NULL only); every key, index and
 * foreign key is a {@link SchemaObject} so that `migrate()` and the bulk loader
 * share one definition: migrate creates whatever is missing, the loader drops
 * them before COPY and recreates the very same DDL afterwards.
 */
export interface TableSpec {
  name: string;
  workload: WorkloadName;
  /** Columns COPY writes, in the order the loader encodes them. */
  copyColumns: readonly string[];
  /** CREATE TABLE IF NOT EXISTS ... */
  create: string;
}

/** A key, index or foreign key that can be dropped before a bulk load and rebuilt after it. */
export interface SchemaObject {
  name: string;
  table: string;
  /** Build order: keys first (foreign keys need the parent's key), indexes, then foreign keys. */
  kind: 'key' | 'index' | 'foreign';
  create: string;
  drop: string;
}

export const TABLES: readonly TableSpec[] = [
  {
    name: 'usages',
    workload: 'usages',
    copyColumns: ['patient_id', 'recorded_at', 'medication'],
    // The client's timestamp is kept verbatim: the contract echoes it back byte for byte.
    create: `CREATE TABLE IF NOT EXISTS usages (
      id bigint GENERATED ALWAYS AS IDENTITY,
      patient_id text NOT NULL,
      recorded_at text NOT NULL,
      medication text NOT NULL)`,
  },
  {
    name: 'overview',
    workload: 'overview',
    copyColumns: ['game_id', 'game_name', 'description', 'release_date', 'developer', 'publisher', 'tags'],
    create: `CREATE TABLE IF NOT EXISTS overview (
      game_id integer NOT NULL,
      game_name text NOT NULL,
      description text NOT NULL,
      release_date date NOT NULL,
      developer text NOT NULL,
      publisher text NOT NULL,
      tags text[] NOT NULL)`,
  },
  // Prices are text: the API returns them exactly as loaded ("140" stays "140", never "140.00").
  {
    name: 'products',
    workload: 'catalog',
    copyColumns: [
      'id',
      'name',
      'slogan',
      'description',
      'category',
      'default_price',
      'campus',
      'created_at',
      'updated_at',
    ],
    create: `CREATE TABLE IF NOT EXISTS products (
      id integer NOT NULL,
      name text NOT NULL,
      slogan text NOT NULL,
      description text NOT NULL,
      category text NOT NULL,
      default_price text NOT NULL,
      campus text NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL)`,
  },
  {
    name: 'features',
    workload: 'catalog',
    copyColumns: ['id', 'product_id', 'feature', 'value'],
    create: `CREATE TABLE IF NOT EXISTS features (
      id integer NOT NULL,
      product_id integer NOT NULL,
      feature text NOT NULL,
      value text)`,
  },
  {
    name: 'styles',
    workload: 'catalog',
    copyColumns: ['id', 'product_id', 'name', 'sale_price', 'original_price', 'default_style'],
    create: `CREATE TABLE IF NOT EXISTS styles (
      id integer NOT NULL,
      product_id integer NOT NULL,
      name text NOT NULL,
      sale_price text,
      original_price text NOT NULL,
      default_style boolean NOT NULL)`,
  },
  {
    name: 'photos',
    workload: 'catalog',
    copyColumns: ['id', 'style_id', 'url', 'thumbnail_url'],
    create: `CREATE TABLE IF NOT EXISTS photos (
      id integer NOT NULL,
      style_id integer NOT NULL,
      url text NOT NULL,
      thumbnail_url text NOT NULL)`,
  },
  {
    name: 'skus',
    workload: 'catalog',
    copyColumns: ['id', 'style_id', 'size', 'quantity'],
    create: `CREATE TABLE IF NOT EXISTS skus (
      id integer NOT NULL,
      style_id integer NOT NULL,
      size text NOT NULL,
      quantity integer NOT NULL)`,
  },
  {
    name: 'related',
    workload: 'catalog',
    copyColumns: ['id', 'current_product_id', 'related_product_id'],
    create: `CREATE TABLE IF NOT EXISTS related (
      id integer NOT NULL,
      current_product_id integer NOT NULL,
      related_product_id integer NOT NULL)`,
  },
];

function primaryKey(table: string, column: string): SchemaObject {
  const name = `${table}_pkey`;
  return {
    name,
    table,
    kind: 'key',
    create: `ALTER TABLE ${table} ADD CONSTRAINT ${name} PRIMARY KEY (${column})`,
    drop: `ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${name}`,
  };
}

/**
 * The index behind a foreign key: (fk, id) so that a parent's children come
 * back in id order straight from the index, without a sort.
 */
function lookupIndex(table: string, column: string): SchemaObject {
  const name = `${table}_${column}_idx`;
  return {
    name,
    table,
    kind: 'index',
    create: `CREATE INDEX IF NOT EXISTS ${name} ON ${table} (${column}, id)`,
    drop: `DROP INDEX IF EXISTS ${name}`,
  };
}

function foreignKey(table: string, column: string, parent: string): SchemaObject {
  const name = `${table}_${column}_fkey`;
  return {
    name,
    table,
    kind: 'foreign',
    create: `ALTER TABLE ${table} ADD CONSTRAINT ${name} FOREIGN KEY (${column}) REFERENCES ${parent} (id)`,
    drop: `ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${name}`,
  };
}

export const SCHEMA_OBJECTS: readonly SchemaObject[] = [
  primaryKey('usages', 'id'),
  primaryKey('overview', 'game_id'),
  primaryKey('products', 'id'),
  primaryKey('features', 'id'),
  primaryKey('styles', 'id'),
  primaryKey('photos', 'id'),
  primaryKey('skus', 'id'),
  primaryKey('related', 'id'),
  lookupIndex('features', 'product_id'),
  lookupIndex('styles', 'product_id'),
  lookupIndex('photos', 'style_id'),
  lookupIndex('skus', 'style_id'),
  lookupIndex('related', 'current_product_id'),
  foreignKey('features', 'product_id', 'products'),
  foreignKey('styles', 'product_id', 'products'),
  foreignKey('photos', 'style_id', 'styles'),
  foreignKey('skus', 'style_id', 'styles'),
  foreignKey('related', 'current_product_id', 'products'),
];

const KIND_ORDER: Record<SchemaObject['kind'], number> = { key: 0, index: 1, foreign: 2 };

export function tablesOf(workload: WorkloadName): TableSpec[] {
  return TABLES.filter((t) => t.workload === workload);
}

/** The workload's keys, indexes and foreign keys in build order (reverse it to drop). */
export function objectsOf(workload: WorkloadName): SchemaObject[] {
  const tables = new Set(tablesOf(workload).map((t) => t.name));
  return SCHEMA_OBJECTS.filter((o) => tables.has(o.table)).sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
}

/** Serialises concurrent migrate() calls (several API workers start at once). */
const MIGRATE_LOCK = 0x5354_4f52; // "STOR"

/** Names of the keys, indexes and constraints of our tables that exist right now. */
async function existingObjects(session: ClientBase): Promise<Set<string>> {
  const tables = TABLES.map((t) => t.name);
  const { rows } = await session.query<{ name: string }>(
    `SELECT conname AS name FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
       WHERE t.relname = ANY($1) AND t.relnamespace = 'public'::regnamespace
     UNION
     SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
       WHERE t.relname = ANY($1) AND t.relnamespace = 'public'::regnamespace`,
    [tables],
  );
  return new Set(rows.map((r) => r.name));
}

/**
 * Create every table, key, index and foreign key that is missing; leaves the
 * rest (and the data) alone, so it is idempotent and also repairs a schema a
 * failed bulk load left without its indexes.
 */
export async function migrateSchema(session: ClientBase, workloads?: readonly WorkloadName[]): Promise<void> {
  const chosen = new Set(workloads ?? TABLES.map((t) => t.workload));
  await session.query('BEGIN');
  try {
    await session.query('SELECT pg_advisory_xact_lock($1)', [MIGRATE_LOCK]);
    for (const table of TABLES) if (chosen.has(table.workload)) await session.query(table.create);
    const existing = await existingObjects(session);
    for (const workload of chosen) {
      for (const object of objectsOf(workload)) if (!existing.has(object.name)) await session.query(object.create);
    }
    await session.query('COMMIT');
  } catch (error) {
    await session.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
