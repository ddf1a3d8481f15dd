// Claude Code's PreToolUse / PermissionRequest hook: asks the ccp worker over the session's approval channel and
// prints Claude Code's answer. Run as `node hook.js <socket> [--retry-ms N]`; the secret is read from the 0600 file
// beside the socket, never from the command line. Whatever goes wrong, the answer is deny with a reason, never allow.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { askChannel, readSecretFile, type ChannelAnswer, type ChannelRequest } from '../approval-channel.js';

// A worker restart: heartbeat timeout (30 s) plus Temporal's retry backoff, with room to spare.
const DEFAULT_RETRY_MS = 90_000;

/** The secret file that belongs to a session socket (`<label>.sock` → `<label>.secret`). */
export function secretFileFor(socketPath: string): string {
  return `${socketPath.replace(/\.sock$/, '')}.secret`;
}

/** Claude Code's JSON for an answer to this hook event (stdout, exit 0). */
export function hookOutput(event: string, answer: ChannelAnswer): unknown {
  const message = answer.message ?? (answer.behavior === 'allow' ? 'allowed by ccp' : 'denied by ccp');
  if (event === 'PermissionRequest') {
    return { hookSpecificOutput: { hookEventName: event, decision: answer.behavior === 'allow'
      ? { behavior: 'allow' } : { behavior: 'deny', message } } };
  }
  return { hookSpecificOutput: { hookEventName: event, permissionDecision: answer.behavior,
    permissionDecisionReason: message } };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Written by a worker that `ccp down` stopped while its agents run on: their hooks wait for the next `ccp up`. */
export const DETACHED_MARKER = 'ccp-detached';
// Inside the hook's own time limit (needs-you timeout + 2 min, at least 30 min): then it denies.
const WAIT_WHILE_DETACHED_MS = 30 * 60_000;

/** Asks the channel; while ccp is down on purpose (the marker beside the socket), keeps asking until it is back. */
async function askUntilBack(socketPath: string, request: ChannelRequest, retryForMs: number): Promise<ChannelAnswer> {
  const until = Date.now() + WAIT_WHILE_DETACHED_MS;
  for (;;) {
    try {
      return await askChannel(socketPath, readSecretFile(secretFileFor(socketPath)), request, { retryForMs });
    } catch (err) {
      if (!existsSync(path.join(path.dirname(socketPath), DETACHED_MARKER)) || Date.now() > until) throw err;
    }
  }
}

async function main(argv: string[]): Promise<void> {
  const socketPath = argv[0];
  const retryAt = argv.indexOf('--retry-ms');
  const retryForMs = retryAt >= 0 ? Number(argv[retryAt + 1]) : DEFAULT_RETRY_MS;
  const input = JSON.parse(await readStdin()) as Record<string, unknown>;
  const event = typeof input.hook_event_name === 'string' ? input.hook_event_name : 'PreToolUse';
  let answer: ChannelAnswer;
  try {
    if (!socketPath) throw new Error('no approval socket given');
    const request: ChannelRequest = {
      event,
      tool_name: typeof input.tool_name === 'string' ? input.tool_name : '',
      tool_input: typeof input.tool_input === 'object' && input.tool_input !== null
        ? input.tool_input as Record<string, unknown> : {},
      cwd: typeof input.cwd === 'string' ? input.cwd : '',
      ...(typeof input.tool_use_id === 'string' ? { tool_use_id: input.tool_use_id } : {}),
    };
    answer = await askUntilBack(socketPath, request, Number.isFinite(retryForMs) ? retryForMs : DEFAULT_RETRY_MS);
  } catch (err) {
    answer = { behavior: 'deny', message: `ccp is not reachable: ${err instanceof Error ? err.message : String(err)}` };
  }
  process.stdout.write(`${JSON.stringify(hookOutput(event, answer))}\n`);
}

// Imported for its helpers (tests, session files) it does nothing; run as a program it answers one hook call.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2));
}
