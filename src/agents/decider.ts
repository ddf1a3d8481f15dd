// One session's approvals, agent-neutral: a tool request is judged by the policy with the session's scope; allow and
// deny are answered at once, ask goes to a person through the session's onNeedsYou (deny when there is none). Every
// outcome is recorded (audit log, secrets redacted). Dialogs ccp does not recognise take the same needs-you path.
import { createHash } from 'node:crypto';
import type { ApprovalRecord, NeedsYouAnswer, NeedsYouQuestion } from './types.js';
import type { PolicyContext, PolicyVerdict, SessionPolicy, ToolRequest } from './policy-port.js';

export const NO_PERSON_REASON = "needs a person's approval and none can be asked";
const SUBJECT_MAX = 200;

export interface DeciderInput {
  label: string;
  policy: SessionPolicy;
  context: PolicyContext;
  redact: (text: string) => string;
  onNeedsYou?: (question: NeedsYouQuestion, signal: AbortSignal) => Promise<NeedsYouAnswer>;
  /** Called with each outcome before it is answered (the audit log); a failure denies the request. */
  onRecord?: (record: ApprovalRecord) => Promise<void>;
  /** The questions now waiting for a person (none: back to running); awaited before the person is asked. */
  onWaiting?: (waiting: readonly NeedsYouQuestion[]) => void | Promise<void>;
}

export interface Outcome {
  decision: 'allow' | 'deny';
  reason: string;
}

export interface DialogQuestion {
  /** The dialog's title line, for the record. */
  title: string;
  /** The dialog's text: the question's id and subject come from it. */
  text: string;
  reason: string;
}

export interface Decider {
  /** `event` "PermissionRequest" may reuse the answer a person just gave the same tool use's PreToolUse; `via`
   * says who carries the answer out (default the hook). */
  decideTool(request: ToolRequest, signal: AbortSignal, how?: { event?: string; via?: 'hook' | 'pane'; title?: string })
    : Promise<Outcome>;
  askAboutDialog(dialog: DialogQuestion, signal: AbortSignal): Promise<Outcome>;
  records: ApprovalRecord[];
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** One line, at most SUBJECT_MAX characters. */
export function oneLine(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' ⏎ ').replace(/\s+/g, ' ').trim();
  return flat.length > SUBJECT_MAX ? `${flat.slice(0, SUBJECT_MAX - 1)}…` : flat;
}

/** The part of a tool input a person recognises the request by: the command, path, URL or query. */
export function subjectOf(request: ToolRequest): string {
  const { command, file_path: file, notebook_path: notebook, path, url, pattern, query } = request.input;
  const subject = [command, file, notebook, path, url, pattern, query].find((v) => typeof v === 'string');
  return typeof subject === 'string' ? subject : JSON.stringify(request.input);
}

export function createDecider(input: DeciderInput): Decider {
  const { label, redact } = input;
  const records: ApprovalRecord[] = [];
  // "Always" answers hold for the session; an answer to PreToolUse also serves the PermissionRequest that may follow
  // for the same tool use, so the person is not asked twice.
  const always = new Map<string, NeedsYouAnswer>();
  const recent = new Map<string, { answer: NeedsYouAnswer; at: number }>();
  const inFlight = new Map<string, Promise<NeedsYouAnswer>>();
  const waiting = new Map<string, NeedsYouQuestion>();

  const record = async (record: ApprovalRecord): Promise<void> => {
    records.push(record);
    await input.onRecord?.(record);
  };

  const ask = async (question: NeedsYouQuestion, signal: AbortSignal, followUp = false): Promise<NeedsYouAnswer> => {
    const kept = always.get(question.id) ?? (followUp ? takeRecent(question.id) : undefined);
    if (kept) return kept;
    if (!input.onNeedsYou) return { decision: 'deny', reason: NO_PERSON_REASON, by: 'policy' };
    const running = inFlight.get(question.id);
    if (running) return running;
    const asking = (async () => {
      waiting.set(question.id, question);
      try {
        await input.onWaiting?.([...waiting.values()]);
        return await input.onNeedsYou!(question, signal);
      } catch (err) {
        return { decision: 'deny' as const, by: 'policy' as const,
          reason: `ccp could not ask a person: ${err instanceof Error ? err.message : String(err)}` };
      } finally {
        waiting.delete(question.id);
        inFlight.delete(question.id);
        await Promise.resolve(input.onWaiting?.([...waiting.values()])).catch(() => undefined);
      }
    })();
    inFlight.set(question.id, asking);
    const answer = await asking;
    if (answer.always && answer.decision === 'allow') always.set(question.id, answer);
    recent.set(question.id, { answer, at: Date.now() });
    return answer;
  };

  const takeRecent = (id: string): NeedsYouAnswer | undefined => {
    const hit = recent.get(id);
    recent.delete(id);
    return hit && Date.now() - hit.at < 60_000 ? hit.answer : undefined;
  };

  return {
    records,

    async decideTool(request, signal, how = {}) {
      let verdict: PolicyVerdict;
      try {
        verdict = input.policy.evaluate(request, input.context);
      } catch (err) {
        verdict = { decision: 'deny', reason: `ccp policy failed: ${err instanceof Error ? err.message : String(err)}` };
      }
      const subject = redact(subjectOf(request));
      const base: ApprovalRecord = { at: '', label, via: how.via ?? 'hook', dialog: 'tool',
        title: redact(how.title ?? request.tool), subject,
        tool: request.tool, decision: 'deny', reason: '', ...(verdict.rule ? { rule: redact(verdict.rule) } : {}),
        ...(verdict.category ? { category: verdict.category } : {}) };
      let outcome: Outcome;
      if (verdict.decision === 'ask') {
        const question: NeedsYouQuestion = { id: sha256(`${label}\0${request.tool}\0${JSON.stringify(request.input)}`),
          kind: 'tool', tool: request.tool, subject: oneLine(subject), reason: redact(verdict.reason) };
        const answer = await ask(question, signal, how.event === 'PermissionRequest');
        outcome = { decision: answer.decision, reason: answer.reason };
        base.asked = { id: question.id, by: answer.by, ...(answer.always ? { always: true } : {}) };
      } else {
        outcome = { decision: verdict.decision, reason: verdict.reason };
      }
      await record({ ...base, at: new Date().toISOString(), decision: outcome.decision, reason: redact(outcome.reason) });
      return { ...outcome, reason: redact(outcome.reason) };
    },

    async askAboutDialog(dialog, signal) {
      const text = redact(dialog.text);
      const question: NeedsYouQuestion = { id: sha256(`${label}\0dialog\0${dialog.text}`), kind: 'dialog',
        tool: 'dialog', subject: oneLine(redact(dialog.title) || text), reason: redact(dialog.reason) };
      const answer = await ask(question, signal);
      await record({ at: new Date().toISOString(), label, via: 'pane', dialog: 'unknown', title: redact(dialog.title),
        subject: oneLine(text), decision: answer.decision, reason: redact(answer.reason),
        asked: { id: question.id, by: answer.by } });
      return { decision: answer.decision, reason: answer.reason };
    },
  };
}
