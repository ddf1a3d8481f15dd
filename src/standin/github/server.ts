// Offline GitHub REST stand-in: a local HTTP server that checks every request and every response it sends against
// GitHub's own OpenAPI description (github-api-subset.json), so code tested against it speaks real GitHub.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ADMIN_PREFIX, handleAdmin } from './admin.js';
import { FaultBook, type FaultKind, type FaultRule, type FaultState } from './faults.js';
import { startOpenApiGate } from './openapi-gate.js';
import type { GitHubOperationId } from './operations.js';
import { deleteBranchByHand } from './pulls.js';
import { Renderer } from './render.js';
import { createRoutes, type Reply, type RouteRequest } from './routes.js';
import { ApiError, errorBody, Store, type CommentRecord, type IssueRecord, type RepoSeed } from './store.js';

export type { CommentRecord, IssueRecord, RepoSeed, FaultKind, FaultRule, FaultState };

/** One request the stand-in received (admin requests aside). */
export interface RequestRecord {
  /** Epoch ms when it arrived. */
  at: number;
  method: string;
  path: string;
  operationId?: string;
  /** Absent: never answered (a no-answer fault, or the client gave up first). */
  status?: number;
  fault?: FaultKind;
  /** It carried If-None-Match. */
  conditional: boolean;
}

const REQUEST_LOG_SIZE = 5000;

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
  /** Fault injection (also POST/GET/DELETE /_ccp/faults): the first live matching rule takes a request. */
  injectFaults(rules: FaultRule[]): FaultState[];
  clearFaults(): void;
  faults(): FaultState[];
  /** The most recent requests, oldest first (also GET /_ccp/stats). */
  requests(): RequestRecord[];
  /** 304 answers to conditional requests: polls that cost no rate limit. */
  notModifiedCount(operationId?: string): number;
  /** Repository settings a maintainer changes in GitHub's UI: "Automatically delete head branches". */
  setRepoSettings(owner: string, repo: string, settings: { deleteBranchOnMerge?: boolean }): void;
  /** A person deletes a branch (push --delete, the refs API): GitHub closes the open PRs from and into it. */
  deleteBranch(owner: string, repo: string, branch: string): Promise<void>;
}

/** A weak validator over the state fields of a reply (schema filling adds volatile placeholders, so not those). */
function etagOf(body: unknown): string {
  return `W/"${createHash('sha1').update(JSON.stringify(body)).digest('hex')}"`;
}

function ifNoneMatch(request: IncomingMessage): string[] {
  const header = request.headers['if-none-match'];
  return (header ?? '').split(',').map((tag) => tag.trim()).filter(Boolean);
}

function send(response: ServerResponse, reply: Reply): void {
  const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    ...reply.headers,
    ...(payload ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'content-length': Buffer.byteLength(payload),
  });
  response.end(payload);
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
  const faults = new FaultBook();
  const log: RequestRecord[] = [];
  const notModifiedCount = (operationId?: string) =>
    log.filter((r) => r.status === 304 && (operationId === undefined || r.operationId === operationId)).length;

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

  /** Completes the reply from the operation's response schema and checks it against GitHub's description. */
  async function checked(operationId: string, reply: Reply): Promise<Reply> {
    const verdict = await gate.completeResponse(operationId, reply.status, reply.body, fillContext());
    if (!verdict.problem) return { ...reply, body: verdict.body };
    validationErrors.push(verdict.problem);
    return { status: 500, body: errorBody(500, `GitHub stand-in produced an invalid response: ${verdict.problem}`) };
  }

  /**
   * GET answers carry an ETag (over the state fields, before schema filling adds placeholders); a matching
   * If-None-Match gets 304 where GitHub's description documents one for the operation.
   */
  async function conditional(request: IncomingMessage, operationId: string, reply: Reply): Promise<Reply> {
    if (request.method !== 'GET' || reply.status !== 200) return checked(operationId, reply);
    const etag = etagOf(reply.body);
    if (ifNoneMatch(request).includes(etag)) {
      const notModified = await gate.completeResponse(operationId, 304, undefined, fillContext());
      if (!notModified.problem) return { status: 304, headers: { ...reply.headers, etag } };
    }
    return checked(operationId, { ...reply, headers: { ...reply.headers, etag } });
  }

  /** The reply, or undefined when the request is never to be answered. */
  async function handle(request: IncomingMessage, response: ServerResponse, record: RequestRecord): Promise<Reply | undefined> {
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
    if (verdict.kind === 'reply') {
      record.operationId = verdict.operationId;
      const reply = { status: verdict.status, body: verdict.body };
      return verdict.operationId ? checked(verdict.operationId, reply) : reply;
    }
    const operationId = verdict.operationId;
    record.operationId = operationId;
    // Faults hit valid requests only: a request ccp got wrong still shows as the 422 it is.
    const fault = faults.take({ method: record.method, path: record.path, operationId, conditional: record.conditional });
    record.fault = fault?.fault;
    if (fault?.kind === 'no-answer') {
      if (!response.closed) await once(response, 'close'); // held open until the client gives up or the server closes
      return undefined;
    }
    if (fault?.kind === 'delay') await sleep(fault.ms);
    if (fault?.kind === 'reply') return checked(operationId, fault.reply);
    const reply = await runRoute(operationId as GitHubOperationId, { params: verdict.params, query: verdict.query, body: verdict.body, url: requestUrl });
    if (fault?.kind === 'after-work') return checked(operationId, fault.reply);
    // Every reply is completed from, and checked against, the operation's response schema before it leaves.
    return conditional(request, operationId, reply);
  }

  httpServer.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', url).pathname;
    if (path.startsWith(ADMIN_PREFIX)) {
      void readBody(request)
        .then((raw) => send(response, handleAdmin(faults, () => ({ requests: log, notModified: notModifiedCount() }), request.method ?? 'GET', path, raw)))
        .catch(() => response.destroy());
      return;
    }
    const record: RequestRecord = { at: Date.now(), method: request.method ?? 'GET', path, conditional: ifNoneMatch(request).length > 0 };
    log.push(record);
    if (log.length > REQUEST_LOG_SIZE) log.shift();
    handle(request, response, record)
      .catch((error: unknown): Reply => {
        const problem = `internal error on ${request.method} ${request.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
        validationErrors.push(problem);
        return { status: 500, body: errorBody(500, problem) };
      })
      .then((reply) => {
        if (!reply) return;
        record.status = reply.status;
        send(response, reply);
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
    injectFaults: (rules) => faults.add(rules),
    clearFaults: () => faults.clear(),
    faults: () => faults.list(),
    requests: () => log.map((record) => ({ ...record })),
    notModifiedCount,
    setRepoSettings: (owner, repo, settings) => {
      if (settings.deleteBranchOnMerge !== undefined) repoOf(owner, repo).deleteBranchOnMerge = settings.deleteBranchOnMerge;
    },
    deleteBranch: (owner, repo, branch) => deleteBranchByHand(store, repoOf(owner, repo), branch),
  };
}
