export { createCassandraBackend, type CassandraBackendConfig } from './cassandra-backend.ts';
export { CONSISTENCY_LEVELS, parseCassandraUrl, type ConsistencyLevel } from './cassandra-connection.ts';
