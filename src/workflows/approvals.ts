// Requests of a subissue's agent that no policy rule decides ("needs you"), kept in the subissue workflow so they
// outlive worker restarts: the agent activity asks (an update), a person answers with `ccp approve|deny` (an
// update), and a durable timer denies what nobody answered in time. The activity polls the state query for the
// answer and hands it to the agent's hook.
import { condition, setHandler } from '@temporalio/workflow';
import {
  answerApprovalUpdate,
  approvalStateQuery,
  askApprovalUpdate,
  withdrawApprovalSignal,
  type AnsweredApproval,
  type ApprovalAnswer,
  type ApprovalQuestion,
  type PendingApproval,
} from '../shared/messages.js';

export interface ApprovalBookOptions {
  /** How long a question waits for a person before it is denied. */
  timeoutMs: number;
  /** Called whenever the oldest pending question changes (null: none waits). */
  onChange: (oldest: PendingApproval | null) => void;
}

export interface ApprovalBook {
  /** The workflow's own question to a person (e.g. rebase conflicts the agent could not resolve): waits for the answer,
   * or the denial at the timeout. */
  ask(question: ApprovalQuestion): Promise<ApprovalAnswer>;
}

/** Installs the approval handlers on the current workflow. */
export function installApprovalBook(options: ApprovalBookOptions): ApprovalBook {
  const pending = new Map<string, PendingApproval>();
  const answers = new Map<string, ApprovalAnswer>();
  const oldest = (): PendingApproval | null => [...pending.values()][0] ?? null;
  const changed = (): void => options.onChange(oldest());

  const settle = (id: string, answer: ApprovalAnswer): AnsweredApproval | undefined => {
    const question = pending.get(id);
    if (!question) return undefined;
    pending.delete(id);
    answers.set(id, answer);
    changed();
    return { question, answer };
  };

  const expireLater = async (question: PendingApproval): Promise<void> => {
    const waitMs = Date.parse(question.expiresAt) - Date.now();
    if (await condition(() => !pending.has(question.id), Math.max(waitMs, 1))) return;
    const minutes = Math.round(options.timeoutMs / 60_000);
    settle(question.id, { decision: 'deny', by: 'timeout',
      reason: `ccp: nobody approved this within ${minutes} min; do without it or explain in your summary why it is needed` });
  };

  const record = (question: ApprovalQuestion): PendingApproval => {
    const now = Date.now();
    const entry: PendingApproval = { ...question, askedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + options.timeoutMs).toISOString() };
    pending.set(question.id, entry);
    changed();
    void expireLater(entry);
    return entry;
  };

  setHandler(askApprovalUpdate, (question: ApprovalQuestion) => {
    const answer = answers.get(question.id);
    const known = pending.get(question.id);
    if (known || answer) return { pending: known ?? { ...question, askedAt: '', expiresAt: '' }, answer };
    return { pending: record(question) };
  });

  setHandler(answerApprovalUpdate, (input) => {
    const id = input.id ?? [...pending.keys()][0];
    const reason = input.reason?.trim() || (input.decision === 'allow' ? 'approved by a person' : 'denied by a person');
    const settled = settle(id, { decision: input.decision, reason, by: 'person', ...(input.always ? { always: true } : {}) });
    if (!settled) throw new Error('unreachable: the validator checked the question waits');
    return settled;
  }, {
    validator: (input) => {
      if (input.decision !== 'allow' && input.decision !== 'deny') throw new Error('decision must be allow or deny');
      if (pending.size === 0) throw new Error('nothing of this subissue is waiting for approval');
      if (input.id !== undefined && !pending.has(input.id)) {
        throw new Error(`no waiting request has id ${input.id} (waiting: ${[...pending.keys()].join(', ')})`);
      }
    },
  });

  setHandler(withdrawApprovalSignal, ({ id }) => {
    if (pending.delete(id)) changed();
  });

  setHandler(approvalStateQuery, () => ({ pending: [...pending.values()], answers: Object.fromEntries(answers) }));

  return {
    ask: async (question) => {
      if (!answers.has(question.id) && !pending.has(question.id)) record(question);
      await condition(() => answers.has(question.id));
      return answers.get(question.id) as ApprovalAnswer;
    },
  };
}
