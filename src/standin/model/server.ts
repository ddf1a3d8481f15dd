// Offline stand-in for the Anthropic Messages API: enough of `POST /v1/messages` (SSE streaming and plain JSON) and
// `count_tokens` for the real Claude Code CLI to run against the scripted model in script.ts.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { scriptReply, userTextOf, type ContentBlock, type MessagesRequestBody } from './script.js';
import { createLimitBook, scriptedHang, scriptedLimit, sendUsageLimit } from './limits.js';

export interface ModelRequestLog {
  /** "analyze", "work", "work-fail", "work-limited" (answered 429), "work-hang" (held open), "aux", "other",
   * "count_tokens", "head", "bad-request", "not-found". */
  kind: string;
  path: string;
  stream: boolean;
  subissue?: number;
  step?: number;
  /** When the request arrived (epoch ms): the bench reads an agent's start-up and working time from it. */
  atMs?: number;
}

export interface ModelServer {
  url: string;
  close(): Promise<void>;
  requests: ModelRequestLog[];
  /** Raw request bodies (most recent last), for debugging the script. */
  bodies: unknown[];
}

const MODEL_ID = 'claude-ccp-standin';

export interface ModelServerOptions {
  port?: number;
  /** "Thinking time" before each work-session answer, so a person watching the panes can follow (demo). */
  paceMs?: number;
  /** The same for the planning answer: a fault test kills the worker while planning is under way. */
  analyzePaceMs?: number;
}

export async function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  const requests: ModelRequestLog[] = [];
  const bodies: unknown[] = [];
  let counter = 0;
  const limits = createLimitBook();

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'HEAD' && url.pathname === '/') {
      requests.push({ kind: 'head', path: url.pathname, stream: false });
      res.writeHead(200).end();
      return;
    }
    if (req.method !== 'POST' || !url.pathname.startsWith('/v1/messages')) {
      requests.push({ kind: 'not-found', path: url.pathname, stream: false });
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: 'not found' } }));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: MessagesRequestBody & { stream?: boolean };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
      } catch {
        requests.push({ kind: 'bad-request', path: url.pathname, stream: false });
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'bad JSON' } }));
        return;
      }
      bodies.push(body);
      const inputTokens = Math.ceil(Buffer.concat(chunks).length / 4);
      if (url.pathname === '/v1/messages/count_tokens') {
        requests.push({ kind: 'count_tokens', path: url.pathname, stream: false });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ input_tokens: inputTokens }));
        return;
      }
      if (url.pathname !== '/v1/messages') {
        res.writeHead(404).end();
        return;
      }
      const reply = scriptReply(body);
      const stream = body.stream === true;
      const log = { path: url.pathname, stream, subissue: reply.subissue, step: reply.step, atMs: Date.now() };
      if (reply.kind.startsWith('work')) {
        const text = userTextOf(body);
        if (scriptedHang(text)) {
          // Never answered: the client waits until it gives up or is interrupted.
          requests.push({ kind: 'work-hang', ...log });
          return;
        }
        const limit = scriptedLimit(text);
        const until = limit && limits.limitedUntil(`work-${reply.subissue ?? 0}`, limit);
        if (limit && until) {
          requests.push({ kind: 'work-limited', ...log });
          sendUsageLimit(res, until, limit);
          return;
        }
      }
      requests.push({ kind: reply.kind, ...log });
      const message = {
        id: `msg_ccp_${++counter}`, type: 'message', role: 'assistant', model: MODEL_ID,
        content: reply.content, stop_reason: reply.stopReason, stop_sequence: null,
        usage: { input_tokens: inputTokens, output_tokens: outputTokens(reply.content) },
      };
      const send = () => {
        if (!stream) {
          res.writeHead(200, { 'content-type': 'application/json', 'request-id': message.id });
          res.end(JSON.stringify(message));
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': message.id });
        for (const [event, data] of sseEvents(message)) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        res.end();
      };
      const pace = reply.kind.startsWith('work') ? options.paceMs ?? 0
        : reply.kind === 'analyze' ? options.analyzePaceMs ?? 0 : 0;
      if (pace > 0) setTimeout(send, pace);
      else send();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    bodies,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const outputTokens = (content: ContentBlock[]): number => Math.max(1, Math.ceil(JSON.stringify(content).length / 4));

/** Splits a string in two, so clients see real incremental deltas. */
const halves = (text: string): string[] => {
  const mid = Math.ceil(text.length / 2);
  return text.length > 1 ? [text.slice(0, mid), text.slice(mid)] : [text];
};

type SseEvent = [string, Record<string, unknown>];

function sseEvents(message: { content: ContentBlock[]; stop_reason: string; usage: { output_tokens: number } }
  & Record<string, unknown>): SseEvent[] {
  const events: SseEvent[] = [
    ['message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null,
      usage: { ...message.usage, output_tokens: 1 } } }],
  ];
  message.content.forEach((block, index) => {
    if (block.type === 'text') {
      events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }]);
      for (const text of halves(block.text)) {
        events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text } }]);
      }
    } else {
      events.push(['content_block_start', { type: 'content_block_start', index,
        content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } }]);
      for (const partial of halves(JSON.stringify(block.input))) {
        events.push(['content_block_delta', { type: 'content_block_delta', index,
          delta: { type: 'input_json_delta', partial_json: partial } }]);
      }
    }
    events.push(['content_block_stop', { type: 'content_block_stop', index }]);
  });
  events.push(['message_delta', { type: 'message_delta', delta: { stop_reason: message.stop_reason, stop_sequence: null },
    usage: { output_tokens: message.usage.output_tokens } }]);
  events.push(['message_stop', { type: 'message_stop' }]);
  return events;
}
