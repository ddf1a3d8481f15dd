// The offline model stand-in: an HTTP server speaking the Messages API with a scripted, deterministic model.
export { startModelServer, type ModelServer, type ModelRequestLog } from './server.js';
export { FAIL_MARKER, PUSH_MARKER, RUN_MARKER, planSubissues, scriptReply } from './script.js';
