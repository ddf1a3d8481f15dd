// Fault injection for the GitHub stand-in: rules a test switches on (in-process or through POST /_ccp/faults) make
// matching requests fail the way GitHub fails — 5xx, secondary and primary rate limits, 429, 401, slow answers,
// no answer at all, or a request carried out whose answer is lost (a 502 after the work: a retry finds it done). Faulted replies still pass the OpenAPI check in server.ts.
import type { Reply } from './routes.js';
import { errorBody } from './store.js';

export const FAULT_KINDS = [
  'server-error',
  'secondary-rate-limit',
  'rate-limit',
  'too-many-requests',
  'bad-credentials',
  'slow',
  'no-answer',
  'answer-lost',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultMatch {
  /** HTTP method, any case. */
  method?: string;
  /** A regular expression the whole request path must match, e.g. "/repos/.*\/pulls/\\d+". */
  path?: string;
  /** GitHub's operation id, e.g. "pulls/get". */
  operation?: string;
  /** Only requests that carry (true) or lack (false) If-None-Match. */
  conditional?: boolean;
}

export interface FaultRule {
  /** Every request when absent. */
  match?: FaultMatch;
  fault: FaultKind;
  /** server-error: the status (500 by default). */
  status?: number;
  /** secondary-rate-limit, too-many-requests: the retry-after header (left out when absent). */
  retryAfterSeconds?: number;
  /** rate-limit (primary): x-ratelimit-reset this many seconds ahead (60 by default). */
  resetInSeconds?: number;
  /** slow: how long the answer is held back (1000 by default). */
  delayMs?: number;
  /** How many requests the rule takes; every matching one when absent. */
  times?: number;
  /** The rule lapses this long after it was added. */
  forSeconds?: number;
}

export interface FaultState extends FaultRule {
  id: number;
  /** Requests it took so far. */
  hits: number;
}

/** What the server does with a request a rule took. */
export type FaultAction = { fault: FaultKind }
  & ({ kind: 'reply' | 'after-work'; reply: Reply } | { kind: 'delay'; ms: number } | { kind: 'no-answer' });

export interface FaultRequest {
  method: string;
  path: string;
  operationId: string;
  conditional: boolean;
}

interface ActiveRule {
  state: FaultState;
  path?: RegExp;
  until?: number;
}

const DOCS = 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api';

/** GitHub's own wording and headers for each fault. */
function faultReply(rule: FaultRule): Reply {
  const retryAfter: Record<string, string> = rule.retryAfterSeconds === undefined ? {} : { 'retry-after': String(rule.retryAfterSeconds) };
  const limited = (status: number, message: string, headers: Record<string, string>): Reply => ({
    status,
    body: { ...errorBody(status, message), documentation_url: DOCS },
    headers,
  });
  switch (rule.fault) {
    case 'server-error': {
      const status = rule.status ?? 500;
      return { status, body: errorBody(status, status === 502 ? 'Server Error' : 'Internal Server Error') };
    }
    case 'secondary-rate-limit':
      return limited(403, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', retryAfter);
    case 'rate-limit': {
      const reset = Math.floor(Date.now() / 1000) + (rule.resetInSeconds ?? 60);
      return limited(403, 'API rate limit exceeded for user ID 1.', {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': '5000',
        'x-ratelimit-reset': String(reset),
        'x-ratelimit-resource': 'core',
      });
    }
    case 'too-many-requests':
      return limited(429, 'Too many requests', retryAfter);
    case 'bad-credentials':
      return { status: 401, body: errorBody(401, 'Bad credentials') };
    default:
      throw new Error(`fault ${rule.fault} has no reply`);
  }
}

/** Checks a rule that arrived as JSON; the message says what is wrong. */
function checkRule(value: unknown): FaultRule {
  const rule = value as FaultRule;
  if (typeof rule !== 'object' || rule === null) throw new Error('a fault rule must be an object');
  if (!FAULT_KINDS.includes(rule.fault)) throw new Error(`unknown fault ${JSON.stringify(rule.fault)}: one of ${FAULT_KINDS.join(', ')}`);
  for (const key of ['status', 'retryAfterSeconds', 'resetInSeconds', 'delayMs', 'times', 'forSeconds'] as const) {
    const n = rule[key];
    if (n !== undefined && (typeof n !== 'number' || !Number.isFinite(n) || n < 0)) throw new Error(`${key} must be a non-negative number`);
  }
  if (rule.fault === 'server-error' && rule.status !== undefined && (rule.status < 500 || rule.status > 599)) {
    throw new Error('server-error status must be 5xx');
  }
  return rule;
}

export class FaultBook {
  private rules: ActiveRule[] = [];
  private nextId = 1;

  /** Adds rules (the first matching rule takes a request); returns their states. */
  add(rules: unknown[]): FaultState[] {
    const checked = rules.map(checkRule).map((rule): ActiveRule => {
      const path = rule.match?.path === undefined ? undefined : new RegExp(`^(?:${rule.match.path})$`);
      const until = rule.forSeconds === undefined ? undefined : Date.now() + rule.forSeconds * 1000;
      return { state: { ...structuredClone(rule), id: this.nextId++, hits: 0 }, path, until };
    });
    this.rules.push(...checked);
    return checked.map((rule) => ({ ...rule.state }));
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultState[] {
    return this.rules.map((rule) => ({ ...rule.state }));
  }

  /** The fault for this request, if a live rule takes it (which uses up one of its `times`). */
  take(request: FaultRequest): FaultAction | undefined {
    const now = Date.now();
    const rule = this.rules.find((r) => this.live(r, now) && matches(r, request));
    if (!rule) return undefined;
    rule.state.hits++;
    const fault = rule.state.fault;
    if (fault === 'slow') return { fault, kind: 'delay', ms: rule.state.delayMs ?? 1000 };
    if (fault === 'no-answer') return { fault, kind: 'no-answer' };
    if (fault === 'answer-lost') return { fault, kind: 'after-work', reply: faultReply({ fault: 'server-error', status: 502 }) };
    return { fault, kind: 'reply', reply: faultReply(rule.state) };
  }

  private live(rule: ActiveRule, now: number): boolean {
    return (rule.state.times === undefined || rule.state.hits < rule.state.times) && (rule.until === undefined || now < rule.until);
  }
}

function matches(rule: ActiveRule, request: FaultRequest): boolean {
  const match = rule.state.match ?? {};
  return (
    (match.method === undefined || match.method.toUpperCase() === request.method.toUpperCase()) &&
    (rule.path === undefined || rule.path.test(request.path)) &&
    (match.operation === undefined || match.operation === request.operationId) &&
    (match.conditional === undefined || match.conditional === request.conditional)
  );
}
