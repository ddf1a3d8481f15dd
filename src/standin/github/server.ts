// Offline GitHub REST stand-in: a local HTTP server that checks every request and every response it sends against
// GitHub's own OpenAPI description (github-api-subset.json), so code tested against it speaks real GitHub.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpenAPIBackend, type Context } from 'openapi-backend';
import { GITHUB_OPERATION_IDS } from './operations.js';
import { Renderer } from './render.js';
import { createRoutes, type Reply, type RouteRequest } from './routes.js';
import { fillFromSchema, type Schema } from './schema-fill.js';
import { ApiError, Store, type CommentRecord, type IssueRecord, type RepoSeed } from './store.js';

export type { CommentRecord, IssueRecord, RepoSeed };

export interface GitHubStandInOptions {
  /** Requests must carry it (`authorization: token X` or `Bearer X`), else 401 as on GitHub. */
  token: string;
  /** 0 (an ephemeral port) by default. */
  port?: number;
  repos: RepoSeed[];
}

export interface GitHubStandIn {
  /** Base URL for Octokit's `baseUrl`, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  close(): Promise<void>;
  /** Responses that failed GitHub's schema, and handler crashes: tests assert this stays empty. */
  validationErrors: string[];
  seedIssue(owner: string, repo: string, input: { title: string; body: string; labels?: string[] }): IssueRecord;
  getIssue(owner: string, repo: string, number: number): IssueRecord | undefined;
  /** Issues only (no pull requests), oldest first. */
  listIssues(owner: string, repo: string): IssueRecord[];
  listPulls(owner: string, repo: string): IssueRecord[];
  subIssues(owner: string, repo: string, parentNumber: number): IssueRecord[];
  comments(owner: string, repo: string, number: number): CommentRecord[];
}

const DOCS = 'https://docs.github.com/rest';
const SPEC_FILE = new URL('./github-api-subset.json', import.meta.url);

// OpenAPI formats GitHub uses that openapi-backend's Ajv does not know; checked loosely, like GitHub's clients do.
const FORMATS: Record<string, (value: string) => boolean> = {
  'date-time': (value) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value) && !Number.isNaN(Date.parse(value)),
  uri: (value) => URL.canParse(value),
  'repo.nwo': (value) => /^[^/\s]+\/[^/\s]+$/.test(value),
};

function errorBody(status: number, message: string, errors?: unknown[]): Record<string, unknown> {
  return { message, ...(errors ? { errors } : {}), documentation_url: DOCS, status: String(status) };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function snapshot<T>(value: T): T {
  return structuredClone(value);
}

export async function startGitHubStandIn(options: GitHubStandInOptions): Promise<GitHubStandIn> {
  const store = new Store(options.repos);
  const validationErrors: string[] = [];
  const definition = JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as object;
  const api = new OpenAPIBackend({
    definition: definition as never,
    quick: true, // lazy validator compilation: start in milliseconds instead of seconds
    strict: true,
    customizeAjv: (ajv) => {
      for (const [name, validate] of Object.entries(FORMATS)) ajv.addFormat(name, { type: 'string', validate });
      return ajv;
    },
  });
  await api.init();

  const httpServer = createServer();
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const render = new Renderer(store, { api: url, html: url });
  const fillContext = () => ({ urlBase: url, now: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') });

  const routes = createRoutes(store, render);
  const handlers: Record<string, (c: Context, requestUrl: URL) => Promise<Reply>> = {};
  for (const id of GITHUB_OPERATION_IDS) {
    handlers[id] = async (c, requestUrl) => {
      const request: RouteRequest = {
        params: c.request.params as Record<string, string>,
        query: c.request.query as Record<string, string>,
        body: c.request.requestBody,
        url: requestUrl,
      };
      try {
        return await routes[id](request);
      } catch (error) {
        if (error instanceof ApiError) return { status: error.status, body: errorBody(error.status, error.message, error.errors) };
        throw error;
      }
    };
  }
  api.register({
    ...handlers,
    notFound: () => ({ status: 404, body: errorBody(404, 'Not Found') }),
    methodNotAllowed: () => ({ status: 404, body: errorBody(404, 'Not Found') }),
    validationFail: (c: Context) => {
      // GitHub's wording: `"title" wasn't supplied.` / `"sub_issue_id" must be integer`.
      const errors = (c.validation.errors ?? []).map((error) => {
        const path = error.instancePath.replace(/^\/(requestBody|path|query)\/?/, '').replace(/\//g, '.');
        const missing = error.keyword === 'required' ? (error.params as { missingProperty?: string }).missingProperty : undefined;
        const field = missing ? [path, missing].filter(Boolean).join('.') : path;
        const message = missing ? `"${field}" wasn't supplied.` : `"${field || 'body'}" ${error.message ?? 'is invalid'}`;
        return { resource: c.operation.operationId ?? 'Request', field: field || undefined, code: missing ? 'missing_field' : 'invalid', message };
      });
      return { status: 422, body: errorBody(422, `Invalid request.\n\n${errors.map((e) => e.message).join('\n')}`, errors) };
    },
    // Completes each reply from the operation's response schema, then checks it against that schema.
    postResponseHandler: (c: Context) => finish(c.operation, c.response as Reply),
  });

  function finish(operation: Context['operation'] | undefined, reply: Reply): Reply {
    if (!operation?.operationId) return reply;
    const id = operation.operationId;
    const documented = (operation.responses as Record<string, { content?: Record<string, { schema?: Schema }> }>)[String(reply.status)];
    const schema = documented?.content?.['application/json']?.schema;
    const body = schema && reply.body !== undefined ? fillFromSchema(schema, reply.body, fillContext()) : reply.body;
    let problem: string | undefined;
    if (documented) {
      const result = api.validateResponse(body ?? null, id, reply.status);
      if (!result.valid) problem = `${id} ${reply.status}: ${JSON.stringify(result.errors)}`;
    } else if (reply.status < 400) {
      problem = `${id}: status ${reply.status} is not in GitHub's description`;
    } else if (typeof (body as { message?: unknown } | undefined)?.message !== 'string') {
      // GitHub's description omits many error statuses; all of them carry a basic-error body.
      problem = `${id} ${reply.status}: error body without a message`;
    }
    if (!problem) return { ...reply, body };
    validationErrors.push(problem);
    return { status: 500, body: errorBody(500, `GitHub stand-in produced an invalid response: ${problem}`) };
  }

  function authorized(header: string | undefined): boolean {
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header ?? '');
    return match !== null && match[1] === options.token;
  }

  async function handle(request: IncomingMessage): Promise<Reply> {
    const requestUrl = new URL(request.url ?? '/', url);
    const raw = await readBody(request);
    if (!authorized(request.headers.authorization)) return { status: 401, body: errorBody(401, 'Bad credentials') };
    let body: unknown;
    if (raw.trim() !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        return { status: 400, body: errorBody(400, 'Problems parsing JSON') };
      }
    }
    return (await api.handleRequest(
      {
        method: request.method ?? 'GET',
        path: requestUrl.pathname,
        query: Object.fromEntries(requestUrl.searchParams),
        headers: request.headers as Record<string, string | string[]>,
        body,
      },
      requestUrl,
    )) as Reply;
  }

  httpServer.on('request', (request: IncomingMessage, response: ServerResponse) => {
    handle(request)
      .catch((error: unknown): Reply => {
        const problem = `internal error on ${request.method} ${request.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
        validationErrors.push(problem);
        return { status: 500, body: errorBody(500, problem) };
      })
      .then((reply) => {
        const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
        response.writeHead(reply.status, {
          ...reply.headers,
          ...(payload ? { 'content-type': 'application/json; charset=utf-8' } : {}),
          'content-length': Buffer.byteLength(payload),
        });
        response.end(payload);
      })
      .catch(() => response.destroy());
  });

  const repoOf = (owner: string, repo: string) => store.repo(owner, repo);
  const items = (owner: string, repo: string, pulls: boolean) =>
    [...repoOf(owner, repo).issues.values()].filter((issue) => Boolean(issue.pull) === pulls).map(snapshot);

  return {
    url,
    validationErrors,
    close: () =>
      new Promise<void>((resolve, reject) => {
        httpServer.closeAllConnections();
        httpServer.close((error) => (error ? reject(error) : resolve()));
      }),
    seedIssue: (owner, repo, input) => snapshot(store.createItem(repoOf(owner, repo), input)),
    getIssue: (owner, repo, number) => {
      const issue = repoOf(owner, repo).issues.get(number);
      return issue && snapshot(issue);
    },
    listIssues: (owner, repo) => items(owner, repo, false),
    listPulls: (owner, repo) => items(owner, repo, true),
    subIssues: (owner, repo, parentNumber) => store.subIssues(store.item(repoOf(owner, repo), parentNumber)).map(snapshot),
    comments: (owner, repo, number) => store.commentsOf(repoOf(owner, repo), number).map(snapshot),
  };
}
