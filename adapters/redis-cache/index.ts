export { withCache, type CacheOptions } from './redis-cache-backend.ts';
export { clearCache } from './redis-cache-connection.ts';
