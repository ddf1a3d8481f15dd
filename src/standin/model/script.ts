// The scripted "model" behind the offline stand-in: a pure function from a Messages API request to the assistant's
// reply. Deterministic from the conversation, so tests and demos run the real Claude Code without the network.
import { ANALYZER_MARKER, REBASE_CONFLICT_MARKER, SUBISSUE_MARKER } from '../../core/prompts.js';
import { MAX_SUBISSUES, MIN_SUBISSUES } from '../../core/plan.js';
import type { PlannedSubissue, Priority } from '../../shared/types.js';
import { HANG_MARKER, LIMIT_MARKER } from './limits.js';

export const FAIL_MARKER = 'ccp-script: fail';
/** In a work prompt: the commit command also pushes, which ccp's approval policy refuses. */
export const PUSH_MARKER = 'ccp-script: push';
/** A line `ccp-script: run: <command>` in a work prompt: the session first runs each such Bash command, one per turn,
 * in order, before its usual Write and commit (for tests of what ccp allows, denies, asks about or confines). */
export const RUN_MARKER = 'ccp-script: run:';

export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface ScriptedReply {
  /** What the request was, for the server's log: "analyze", "work", "work-fail", "aux". */
  kind: string;
  content: ContentBlock[];
  stopReason: 'end_turn' | 'tool_use';
  subissue?: number;
  step?: number;
}

interface RequestBlock {
  type: string;
  text?: string;
  tool_use_id?: string;
  content?: unknown;
  is_error?: boolean;
}

export interface MessagesRequestBody {
  messages?: Array<{ role: string; content: string | RequestBlock[] }>;
  system?: string | RequestBlock[];
  tools?: Array<{ name: string }>;
}

const blocksOf = (content: string | RequestBlock[] | undefined): RequestBlock[] =>
  typeof content === 'string' ? [{ type: 'text', text: content }] : (content ?? []);

const textOf = (content: string | RequestBlock[] | undefined): string =>
  blocksOf(content).map((b) => (b.type === 'text' ? (b.text ?? '') : '')).join('\n');

/** Everything the user said in the conversation (the prompt and later messages), where the script's markers are. */
export const userTextOf = (body: MessagesRequestBody): string =>
  (body.messages ?? []).filter((m) => m.role === 'user').map((m) => textOf(m.content)).join('\n');

export function scriptReply(body: MessagesRequestBody): ScriptedReply {
  const userText = userTextOf(body);
  // Side calls (session titles, summaries) come without tools and may quote the user's prompt: answer them first.
  if (!body.tools || body.tools.length === 0) return auxReply();
  const analyzeAt = userText.indexOf(ANALYZER_MARKER);
  if (analyzeAt >= 0) return analyzerReply(userText.slice(analyzeAt));
  const conflict = conflictReply(body);
  if (conflict) return conflict;
  const work = new RegExp(`${SUBISSUE_MARKER} #(\\d+)`).exec(userText);
  if (work) return workReply(body, userText, Number(work[1]));
  return { kind: 'other', content: [{ type: 'text', text: 'Nothing to do: ccp stand-in model has no script for this.' }],
    stopReason: 'end_turn' };
}

function auxReply(): ScriptedReply {
  return { kind: 'aux', content: [{ type: 'text', text: '{"title": "ccp agent session"}' }], stopReason: 'end_turn' };
}

// ---- analyzer -------------------------------------------------------------------------------------------------

interface IssueInput {
  number: number;
  title: string;
  body: string;
}

const PRIORITY_CYCLE: Priority[] = ['high', 'normal', 'normal', 'low', 'low'];

function analyzerReply(promptText: string): ScriptedReply {
  const fenced = /```json\s*\n([\s\S]*?)\n```/.exec(promptText);
  let issue: IssueInput = { number: 0, title: 'the issue', body: '' };
  try {
    if (fenced) issue = { ...issue, ...(JSON.parse(fenced[1]) as Partial<IssueInput>) };
  } catch {
    // keep the generic issue: the plan below is still valid
  }
  const plan = { subissues: planSubissues(issue) };
  return { kind: 'analyze', content: [{ type: 'text', text: JSON.stringify(plan, null, 2) }], stopReason: 'end_turn' };
}

/**
 * Subissues from the body's task lines `- [ ] <title>` (2..5). Markers in a line: `{fail}` scripts the work session
 * to give up; `{after:N}` makes it depend on the N-th task line (1-based); `{priority:P}` sets its priority;
 * `{run:<command>}` has the work session run that Bash command first (RUN_MARKER); `{limit:S}` (or `{limit:S 7d}`)
 * puts its requests at a usage limit for S seconds, `{hang}` leaves them unanswered (limits.ts).
 */
export function planSubissues(issue: IssueInput): PlannedSubissue[] {
  const lines = [...(issue.body ?? '').matchAll(/^\s*[-*] \[ \] (.+)$/gm)].map((m) => m[1].trim())
    .slice(0, MAX_SUBISSUES);
  const tasks = lines.length >= MIN_SUBISSUES ? lines
    : [1, 2].map((part) => `Part ${part}/2 of ${issue.title || `issue #${issue.number}`}`);
  const keys: string[] = [];
  const subs = tasks.map((line, i): PlannedSubissue => {
    const fail = line.includes('{fail}');
    const runs = [...line.matchAll(/\{run:([^}]+)\}/g)].map((m) => `${RUN_MARKER} ${m[1].trim()}`);
    const faults = [...line.matchAll(/\{limit:(\d+(?: 7d)?)\}/g)].map((m) => `${LIMIT_MARKER} ${m[1]}`)
      .concat(line.includes('{hang}') ? [HANG_MARKER] : []);
    const title = line.replace(/\{fail\}|\{after:\d+\}|\{priority:\w+\}|\{run:[^}]+\}|\{limit:[^}]+\}|\{hang\}/g, '').replace(/\s+/g, ' ').trim() || `Task ${i + 1}`;
    const priority = /\{priority:(critical|high|normal|low)\}/.exec(line)?.[1] as Priority | undefined;
    const key = uniqueKey(slug(title) || `task-${i + 1}`, keys);
    keys.push(key);
    return {
      key,
      title: title.length >= 3 ? title : `Task: ${title}`,
      estimatedHours: 2 + (i % 3),
      priority: priority ?? PRIORITY_CYCLE[i],
      description: [`Implement "${title}" for issue #${issue.number}.`, ...runs, ...faults, ...(fail ? [FAIL_MARKER] : [])].join('\n'),
      acceptanceCriteria: [`${title} is implemented and committed`],
      technicalContext: `Planned from issue #${issue.number}: ${issue.title}`,
      dependsOn: [],
    };
  });
  tasks.forEach((line, i) => {
    const after = /\{after:(\d+)\}/.exec(line);
    const dep = after ? Number(after[1]) - 1 : -1;
    if (dep >= 0 && dep < subs.length && dep !== i) subs[i].dependsOn = [subs[dep].key];
  });
  return subs;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 30).replace(/-+$/, '');
}

function uniqueKey(base: string, taken: string[]): string {
  let key = base;
  for (let n = 2; taken.includes(key); n++) key = `${base.slice(0, 36)}-${n}`;
  return key;
}

// ---- work session ---------------------------------------------------------------------------------------------

function workReply(body: MessagesRequestBody, userText: string, subissue: number): ScriptedReply {
  if (userText.includes(FAIL_MARKER)) {
    return { kind: 'work-fail', subissue, step: 0, stopReason: 'end_turn', content: [{ type: 'text',
      text: `I cannot do subissue #${subissue}: it is scripted to fail (${FAIL_MARKER}). I made no changes.` }] };
  }
  const results = (body.messages ?? []).flatMap((m) => blocksOf(m.content)).filter((b) => b.type === 'tool_result');
  // A call cut off by the session's end (`ccp down --now`, a killed agent) is no step done: Claude Code's resumed
  // conversation says its outcome is unknown. Like a real model, the script checks whether it took effect, then
  // goes on from there; the checks themselves are no steps either.
  const done = results.filter((r) => !cutOff(r) && !isCheck(r));
  const last = results.at(-1);
  // The last call was cut off (a check too, which is made again).
  const wasCut = last !== undefined && cutOff(last);
  const step = results.length;
  const title = subissueTitle(userText, subissue);
  const id = `toolu_ccp_${subissue}_${step}`;
  const checkId = `${id}${CHECK_SUFFIX}`;
  const base = { kind: 'work', subissue, step };
  const runs = scriptedCommands(userText);
  if (done.length < runs.length) {
    return { ...base, stopReason: 'tool_use', content: [
      { type: 'tool_use', id, name: 'Bash', input: { command: runs[done.length], description: 'Scripted command' } }] };
  }
  const own = done.length - runs.length;
  const dir = workingDirectory(body);
  const file = `${dir ? `${dir}/` : ''}notes/subissue-${subissue}.md`;
  if (own === 0 && wasCut) {
    // Read first: the file may be there already, and Claude Code writes over a file only once it was read.
    return { ...base, stopReason: 'tool_use', content: [
      { type: 'text', text: `My write of the notes for #${subissue} was cut off; checking whether it happened.` },
      { type: 'tool_use', id: checkId, name: 'Read', input: { file_path: file } }] };
  }
  if (own === 0) {
    const content = `# Subissue #${subissue}: ${title}\n\nImplemented by the ccp stand-in model.\n`;
    return { ...base, stopReason: 'tool_use', content: [
      { type: 'text', text: `I will write notes for #${subissue}.` },
      { type: 'tool_use', id, name: 'Write', input: { file_path: file, content } }] };
  }
  if (own === 1 && wasCut) {
    return { ...base, stopReason: 'tool_use', content: [
      { type: 'text', text: `My commit for #${subissue} was cut off; checking whether it happened.` },
      { type: 'tool_use', id: checkId, name: 'Bash', input: { command: 'git status --porcelain',
        description: 'Check for uncommitted changes' } }] };
  }
  // The check after a cut-off commit found nothing left to commit: the commit took effect.
  const committed = own === 1 && last !== undefined && isCheck(last) && !last.is_error && !uncommittedIn(last);
  if (own === 1 && !committed) {
    // Only safe characters from the title reach the shell command.
    const message = `Implement #${subissue}: ${title.replace(/[^A-Za-z0-9 .,:_#()/-]/g, '')}`;
    const push = userText.includes(PUSH_MARKER) ? ' && git push origin HEAD' : '';
    return { ...base, stopReason: 'tool_use', content: [
      { type: 'tool_use', id, name: 'Bash',
        input: { command: `git add -A && git commit -q -m "${message}"${push}`, description: 'Commit the change' } }] };
  }
  // Scripted commands may be meant to fail (a sandbox refusal): only the session's own steps decide the outcome.
  const failed = done.slice(runs.length).some((r) => r.is_error === true);
  const text = failed
    ? `Could not finish #${subissue}: a tool call was refused or failed.`
    : `Done: #${subissue} (${title}) is in notes/subissue-${subissue}.md and committed.`;
  return { ...base, stopReason: 'end_turn', content: [{ type: 'text', text }] };
}

/** The id ending of the script's checks after a cut-off call. */
const CHECK_SUFFIX = '_check';

const isCheck = (result: RequestBlock): boolean => (result.tool_use_id ?? '').endsWith(CHECK_SUFFIX);

/**
 * The result Claude Code puts in place of one it never recorded, when a conversation that was cut off mid-call is
 * continued ("[Tool call interrupted: the session ended before this call's result was recorded ...]", "[Request
 * interrupted by user for tool use]" and their kin).
 */
export const cutOff = (result: RequestBlock): boolean =>
  result.is_error === true && /^\s*\[(?:Tool call|Request interrupted)/.test(resultText(result));

/** `git status --porcelain` listed a change. */
const uncommittedIn = (result: RequestBlock): boolean => /^[ MADRCUT?!]{2} \S/m.test(resultText(result));

function resultText(result: RequestBlock): string {
  const { content } = result;
  if (typeof content === 'string') return content;
  return Array.isArray(content) ? textOf(content as RequestBlock[]) : '';
}

/**
 * ccp's rebase-conflict task (the latest one in the conversation): read each listed file (Claude Code writes a file
 * that exists only once it was read), write it without conflict markers, then say so. Undefined when the
 * conversation holds no such task.
 */
function conflictReply(body: MessagesRequestBody): ScriptedReply | undefined {
  const messages = body.messages ?? [];
  const tasks = messages.map((m, i) => (m.role === 'user' && textOf(m.content).includes(REBASE_CONFLICT_MARKER) ? i : -1));
  const at = Math.max(...tasks, -1);
  if (at < 0) return undefined;
  const task = textOf(messages[at].content);
  const subissue = Number(new RegExp(`${REBASE_CONFLICT_MARKER} #(\\d+)`).exec(task)?.[1] ?? 0);
  const files = [...task.matchAll(/^- (\S+)$/gm)].map((m) => m[1]);
  const step = messages.slice(at + 1).flatMap((m) => blocksOf(m.content)).filter((b) => b.type === 'tool_result').length;
  const base = { kind: 'resolve', subissue, step };
  if (step >= 2 * files.length) {
    return { ...base, stopReason: 'end_turn', content: [{ type: 'text', text: `Resolved the conflicts in ${files.join(', ')}.` }] };
  }
  const dir = workingDirectory(body);
  const reading = step < files.length;
  return { ...base, stopReason: 'tool_use', content: files.map((file, i): ContentBlock => {
    const filePath = dir ? `${dir}/${file}` : file;
    const id = `toolu_ccp_resolve_${subissue}_${reading ? 'read' : 'write'}_${i}`;
    return reading ? { type: 'tool_use', id, name: 'Read', input: { file_path: filePath } }
      : { type: 'tool_use', id, name: 'Write', input: { file_path: filePath,
        content: `# ${file}: resolved by the ccp stand-in model\n\nBoth sides of the conflict kept.\n` } };
  }) };
}

function scriptedCommands(userText: string): string[] {
  return [...userText.matchAll(new RegExp(`^\\s*${RUN_MARKER} (.+)$`, 'gm'))].map((m) => m[1].trim());
}

function subissueTitle(userText: string, subissue: number): string {
  const line = new RegExp(`Work on subissue #${subissue} of [^:]*: (.+)`).exec(userText);
  return line ? line[1].trim() : `subissue ${subissue}`;
}

/** Claude Code states the session cwd in its environment section ("Primary working directory: /path"). */
function workingDirectory(body: MessagesRequestBody): string | undefined {
  const texts = [textOf(body.system), ...(body.messages ?? []).map((m) => textOf(m.content))];
  for (const text of texts) {
    const found = /[Ww]orking directory: (\S+)/.exec(text);
    if (found) return found[1];
  }
  return undefined;
}
