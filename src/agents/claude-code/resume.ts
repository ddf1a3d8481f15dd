// Continue, never restart blindly: a session id chosen up front names the conversation; an attempt whose
// conversation already has a transcript continues it (`--resume`, a short prompt) — `--session-id` would refuse
// the id ("already in use") and a new conversation would redo the work.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where Claude Code keeps the conversations of the agent's HOME (one folder per working directory). */
export function projectsDir(home: string, env: Record<string, string | undefined> = {}): string {
  return path.join(env.CLAUDE_CONFIG_DIR ?? path.join(home, '.claude'), 'projects');
}

/** Whether the conversation `sessionId` has a transcript, from whichever folder it was started in. */
export function transcriptExists(projects: string, sessionId: string): boolean {
  let folders: string[];
  try {
    folders = readdirSync(projects);
  } catch {
    return false;
  }
  return folders.some((folder) => existsSync(path.join(projects, folder, `${sessionId}.jsonl`)));
}

export function continuePrompt(reason: string | undefined): string {
  return `ccp: your session was interrupted (${reason ?? 'the previous attempt ended before the work was done'}); ` +
    'continue where you left off: finish the task and commit your work.';
}

/**
 * The agent's conversation flags and first prompt: a new conversation with the id and the task's prompt, or the
 * id's conversation continued with a short prompt. No id: a new conversation Claude Code names itself. An
 * `instruction` (a new task in the same work) replaces both the continue prompt and the task's prompt.
 */
export function conversationStart(input: { sessionId?: string; prompt: string; resumeReason?: string;
  instruction?: string; projects: string }): { args: string[]; prompt: string; resumed: boolean } {
  const { sessionId } = input;
  const prompt = input.instruction ?? input.prompt;
  if (!sessionId) return { args: [], prompt, resumed: false };
  if (!SESSION_ID.test(sessionId)) throw new Error(`invalid agent session id "${sessionId}" (a UUID is needed)`);
  if (transcriptExists(input.projects, sessionId)) {
    return { args: ['--resume', sessionId], prompt: input.instruction ?? continuePrompt(input.resumeReason), resumed: true };
  }
  return { args: ['--session-id', sessionId], prompt, resumed: false };
}
