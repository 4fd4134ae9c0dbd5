export { createApp, type AppOptions } from './app.ts';
export { createApiServer, type ApiServer } from './http-server.ts';
export { serve, type RunningServer, type ServeOptions } from './serve.ts';
export { openApiDocument } from './openapi.ts';
export { PREPARE_RETRY } from './startup.ts';
