// The approval channel between an agent's hook and the ccp worker running its session: a unix socket in the
// session's run dir (dir 0700, socket 0600), newline-delimited JSON, one request per connection, each carrying the
// session's secret (kept in a 0600 file beside the socket, so a re-attaching worker serves the same hooks).
// Agent-neutral: any agent whose hooks can run a program can ask through it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

export interface ChannelRequest {
  /** The hook event: "PreToolUse", "PermissionRequest", … */
  event: string;
  tool_name: string;
  tool_input: Record<string, unknown>;
  cwd: string;
  tool_use_id?: string;
}

export interface ChannelAnswer {
  behavior: 'allow' | 'deny';
  message?: string;
}

/** Decides one request; `signal` aborts when the asking hook went away (killed, timed out). */
export type ChannelDecide = (request: ChannelRequest, signal: AbortSignal) => Promise<ChannelAnswer>;

export interface ApprovalChannel {
  socketPath: string;
  close(): Promise<void>;
}

// A request is a few KB (a Write's content can be more); anything far larger is not a hook talking.
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;
// Linux sun_path is 108 bytes including the NUL.
const MAX_SOCKET_PATH = 107;

/** The session's secret: read from `file`, or created there (0600) when `fresh` or missing. */
export async function sessionSecret(file: string, fresh: boolean): Promise<string> {
  if (!fresh) {
    const existing = (await readFile(file, 'utf8').catch(() => '')).trim();
    if (existing) return existing;
  }
  const secret = randomBytes(32).toString('hex');
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return secret;
}

export async function startApprovalChannel(input: { socketPath: string; secret: string; decide: ChannelDecide })
  : Promise<ApprovalChannel> {
  const { socketPath, secret, decide } = input;
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    throw new Error(`approval socket path is too long for a unix socket (${socketPath}); use a shorter run dir`);
  }
  const dir = path.dirname(socketPath);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  // A socket file left by a worker that died: this attempt serves the session now.
  await rm(socketPath, { force: true });
  const open = new Set<net.Socket>();
  const server = net.createServer((conn) => {
    open.add(conn);
    conn.on('close', () => open.delete(conn));
    serve(conn, secret, decide);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(socketPath, 0o600);
  return {
    socketPath,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const conn of open) conn.destroy();
      });
      await rm(socketPath, { force: true });
    },
  };
}

function serve(conn: net.Socket, secret: string, decide: ChannelDecide): void {
  const gone = new AbortController();
  let buffer = Buffer.alloc(0);
  let handled = false;
  const reply = (answer: ChannelAnswer): void => {
    if (!conn.destroyed) conn.end(`${JSON.stringify(answer)}\n`);
  };
  conn.on('close', () => gone.abort());
  conn.on('error', () => gone.abort());
  conn.on('data', (chunk: Buffer) => {
    if (handled) return;
    buffer = Buffer.concat([buffer, chunk]);
    if (buffer.length > MAX_REQUEST_BYTES) {
      handled = true;
      reply({ behavior: 'deny', message: 'ccp: request too large' });
      return;
    }
    const newline = buffer.indexOf(0x0a);
    if (newline < 0) return;
    handled = true;
    const parsed = parseRequest(buffer.subarray(0, newline).toString('utf8'), secret);
    if ('error' in parsed) {
      reply({ behavior: 'deny', message: `ccp: ${parsed.error}` });
      return;
    }
    decide(parsed.request, gone.signal).then(reply, (err: unknown) =>
      reply({ behavior: 'deny', message: `ccp could not decide: ${err instanceof Error ? err.message : String(err)}` }));
  });
}

function parseRequest(line: string, secret: string): { request: ChannelRequest } | { error: string } {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return { error: 'the request is not JSON' };
  }
  if (typeof raw.secret !== 'string' || !sameSecret(raw.secret, secret)) return { error: 'wrong session secret' };
  const { event, tool_name: tool, tool_input: toolInput, cwd, tool_use_id: toolUseId } = raw;
  if (typeof event !== 'string' || typeof tool !== 'string') return { error: 'the request names no event or tool' };
  return { request: {
    event, tool_name: tool, cwd: typeof cwd === 'string' ? cwd : '',
    tool_input: typeof toolInput === 'object' && toolInput !== null ? toolInput as Record<string, unknown> : {},
    ...(typeof toolUseId === 'string' ? { tool_use_id: toolUseId } : {}),
  } };
}

function sameSecret(given: string, secret: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface AskOptions {
  /** Keep retrying an unreachable channel this long (a worker restart), re-sending the same request. */
  retryForMs: number;
  /** Give up waiting for one answer after this long (the hook's own limit comes first). */
  answerTimeoutMs?: number;
}

/** Asks the channel; throws (with the last reason) when it stayed unreachable for `retryForMs`. */
export async function askChannel(socketPath: string, secret: string, request: ChannelRequest, options: AskOptions)
  : Promise<ChannelAnswer> {
  const deadline = Date.now() + options.retryForMs;
  let delay = 250;
  for (;;) {
    try {
      return await askOnce(socketPath, `${JSON.stringify({ secret, ...request })}\n`, options.answerTimeoutMs);
    } catch (err) {
      if (Date.now() + delay > deadline) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 2_000);
  }
}

function askOnce(socketPath: string, line: string, timeoutMs?: number): Promise<ChannelAnswer> {
  return new Promise((resolve, reject) => {
    const conn = net.createConnection(socketPath);
    let data = '';
    const timer = timeoutMs ? setTimeout(() => conn.destroy(new Error('no answer in time')), timeoutMs) : undefined;
    conn.setEncoding('utf8');
    conn.on('connect', () => conn.write(line));
    conn.on('data', (chunk: string) => { data += chunk; });
    conn.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    conn.on('close', () => {
      clearTimeout(timer);
      const answer = parseAnswer(data);
      if (answer) resolve(answer);
      else reject(new Error('the connection closed without an answer'));
    });
  });
}

function parseAnswer(data: string): ChannelAnswer | undefined {
  try {
    const answer = JSON.parse(data.split('\n')[0]) as ChannelAnswer;
    if (answer.behavior !== 'allow' && answer.behavior !== 'deny') return undefined;
    return { behavior: answer.behavior, ...(typeof answer.message === 'string' ? { message: answer.message } : {}) };
  } catch {
    return undefined;
  }
}

/** Sync read for the hook program (it reads the secret once, before asking). */
export function readSecretFile(file: string): string {
  const secret = readFileSync(file, 'utf8').trim();
  if (!secret) throw new Error(`the session secret file ${file} is empty`);
  return secret;
}
