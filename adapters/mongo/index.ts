export { createMongoBackend, type MongoBackendConfig } from './mongo-backend.ts';
