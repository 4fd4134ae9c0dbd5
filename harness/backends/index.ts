export { BACKEND_NAMES, createBackend, isBackendName, SERVER_OF, type BackendName } from './registry.ts';
