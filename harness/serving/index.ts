export {
  describeConfig,
  optionsHelp,
  redactUrl,
  resolveServeConfig,
  type ResolvedServeConfig,
  type ServeConfig,
} from './config.ts';
export { SERVE_OPTIONS, type ServeOption } from './options.ts';
export { startServing } from './start.ts';
