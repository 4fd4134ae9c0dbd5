export { createPostgresBackend, type PostgresBackendConfig } from './postgres-backend.ts';
