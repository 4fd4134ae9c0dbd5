export { createApp, type AppOptions } from './app.ts';
export { serve, type RunningServer, type ServeOptions } from './serve.ts';
export { openApiDocument } from './openapi.ts';
