// Worker thread that holds openapi-backend and GitHub's description: routes and validates requests, completes and
// validates responses. It runs in a worker because openapi-backend require()s an ES module, which Node loads but
// Jest's module runtime (before Node 24.9) cannot; a worker always uses Node's own loader.
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { OpenAPIBackend, type Context, type Document } from 'openapi-backend';
import type { GateMessage, GateReply, RequestVerdict, ResponseVerdict } from './openapi-gate.js';
import { GITHUB_OPERATION_IDS } from './operations.js';
import { fillFromSchema, type FillContext, type Schema } from './schema-fill.js';
import { errorBody } from './store.js';

const SPEC_FILE = new URL('./github-api-subset.json', import.meta.url);

// OpenAPI formats GitHub uses that openapi-backend's Ajv does not know; checked as loosely as GitHub's clients do.
const FORMATS: Record<string, (value: string) => boolean> = {
  'date-time': (value) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value) && !Number.isNaN(Date.parse(value)),
  uri: (value) => URL.canParse(value),
  'repo.nwo': (value) => /^[^/\s]+\/[^/\s]+$/.test(value),
};

const api = new OpenAPIBackend({
  definition: JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as Document,
  quick: true, // lazy validator compilation: starts in milliseconds instead of seconds
  strict: true,
  customizeAjv: (ajv) => {
    for (const [name, validate] of Object.entries(FORMATS)) ajv.addFormat(name, { type: 'string', validate });
    return ajv;
  },
});

const accepted = (c: Context): RequestVerdict => ({
  kind: 'route',
  operationId: c.operation.operationId as string,
  params: c.request.params as Record<string, string>,
  query: c.request.query as Record<string, string>,
  body: c.request.requestBody as unknown,
});

api.register({
  ...Object.fromEntries(GITHUB_OPERATION_IDS.map((id) => [id, accepted])),
  notFound: (): RequestVerdict => ({ kind: 'reply', status: 404, body: errorBody(404, 'Not Found') }),
  methodNotAllowed: (): RequestVerdict => ({ kind: 'reply', status: 404, body: errorBody(404, 'Not Found') }),
  validationFail: (c: Context): RequestVerdict => {
    // GitHub's wording: `"title" wasn't supplied.` / `"sub_issue_id" must be integer`.
    const errors = (c.validation.errors ?? []).map((error) => {
      const path = error.instancePath.replace(/^\/(requestBody|path|query)\/?/, '').replace(/\//g, '.');
      const missing = error.keyword === 'required' ? (error.params as { missingProperty?: string }).missingProperty : undefined;
      const field = missing ? [path, missing].filter(Boolean).join('.') : path;
      const message = missing ? `"${field}" wasn't supplied.` : `"${field || 'body'}" ${error.message ?? 'is invalid'}`;
      return { resource: c.operation.operationId ?? 'Request', field: field || undefined, code: missing ? 'missing_field' : 'invalid', message };
    });
    const body = errorBody(422, `Invalid request.\n\n${errors.map((e) => e.message).join('\n')}`, errors);
    return { kind: 'reply', operationId: c.operation.operationId, status: 422, body };
  },
});

type Responses = Record<string, { content?: Record<string, { schema?: Schema }> }>;

/** Completes a reply from the operation's response schema, then checks status and body against the description. */
function completeResponse(operationId: string, status: number, partial: unknown, fill: FillContext): ResponseVerdict {
  const operation = api.router.getOperation(operationId);
  if (!operation) return { body: partial, problem: `${operationId}: unknown operation` };
  const documented = (operation.responses as Responses)[String(status)];
  const schema = documented?.content?.['application/json']?.schema;
  const body = schema && partial !== undefined ? fillFromSchema(schema, partial, fill) : partial;
  if (documented) {
    const result = api.validateResponse(body ?? null, operationId, status);
    return { body, problem: result.valid ? undefined : `${operationId} ${status}: ${JSON.stringify(result.errors)}` };
  }
  if (status < 400) return { body, problem: `${operationId}: status ${status} is not in GitHub's description` };
  // The description omits many error statuses; GitHub sends basic-error bodies for all of them.
  const message = (body as { message?: unknown } | undefined)?.message;
  return { body, problem: typeof message === 'string' ? undefined : `${operationId} ${status}: error body without a message` };
}

async function answer(message: GateMessage): Promise<GateReply> {
  try {
    if (message.type === 'request') return { id: message.id, result: (await api.handleRequest(message.request)) as RequestVerdict };
    return { id: message.id, result: completeResponse(message.operationId, message.status, message.body, message.fill) };
  } catch (error) {
    return { id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

await api.init();
const port = parentPort;
if (!port) throw new Error('openapi-gate-worker must run as a worker thread');
port.on('message', (message: GateMessage) => {
  void answer(message).then((reply) => port.postMessage(reply));
});
port.postMessage({ ready: true });
