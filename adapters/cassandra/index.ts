export { createCassandraBackend, type CassandraBackendConfig } from './cassandra-backend.ts';
export { parseCassandraUrl, type ConsistencyLevel } from './cassandra-connection.ts';
