export { createPostgresBackend } from './postgres-backend.ts';
export type { PostgresBackendConfig } from './connection.ts';
