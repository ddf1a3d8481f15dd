// Offline GitHub REST stand-in: a local HTTP server that checks every request and every response it sends against
// GitHub's own OpenAPI description (github-api-subset.json), so code tested against it speaks real GitHub.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startOpenApiGate } from './openapi-gate.js';
import type { GitHubOperationId } from './operations.js';
import { Renderer } from './render.js';
import { createRoutes, type Reply, type RouteRequest } from './routes.js';
import { ApiError, errorBody, Store, type CommentRecord, type IssueRecord, type RepoSeed } from './store.js';

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
  const gate = await startOpenApiGate();
  const httpServer = createServer();
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  }).catch(async (error: unknown) => {
    await gate.close();
    throw error;
  });
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const render = new Renderer(store, { api: url, html: url });
  const fillContext = () => ({ urlBase: url, now: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') });

  const routes = createRoutes(store, render);

  /** Runs the operation; GitHub-style failures become their error replies. */
  async function runRoute(operationId: GitHubOperationId, request: RouteRequest): Promise<Reply> {
    try {
      return await routes[operationId](request);
    } catch (error) {
      if (error instanceof ApiError) return { status: error.status, body: errorBody(error.status, error.message, error.errors) };
      throw error;
    }
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
    const verdict = await gate.checkRequest({
      method: request.method ?? 'GET',
      path: requestUrl.pathname,
      query: Object.fromEntries(requestUrl.searchParams),
      headers: request.headers as Record<string, string | string[]>,
      body,
    });
    const operationId = verdict.operationId;
    const reply: Reply =
      verdict.kind === 'route'
        ? await runRoute(verdict.operationId as GitHubOperationId, { params: verdict.params, query: verdict.query, body: verdict.body, url: requestUrl })
        : { status: verdict.status, body: verdict.body };
    if (!operationId) return reply;
    // Every reply is completed from, and checked against, the operation's response schema before it leaves.
    const checked = await gate.completeResponse(operationId, reply.status, reply.body, fillContext());
    if (!checked.problem) return { ...reply, body: checked.body };
    validationErrors.push(checked.problem);
    return { status: 500, body: errorBody(500, `GitHub stand-in produced an invalid response: ${checked.problem}`) };
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
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        httpServer.closeAllConnections();
        httpServer.close((error) => (error ? reject(error) : resolve()));
      });
      await gate.close();
    },
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
