// What a subissue's agent waits for that is no failure — a usage limit — or that it went silent (the health
// check): the agent activity signals it, the workflow shows it in its Web UI details and reports it to the parent
// (`ccp status`: "waiting for usage limit until 15:45", "stalled for 12 min").
import { setHandler } from '@temporalio/workflow';
import { agentWaitSignal, type AgentWait } from '../shared/messages.js';

export interface AgentWaitState {
  /** " — waiting for usage limit until 15:45 UTC", " — stalled since 15:30 UTC", or "". */
  note(): string;
  /** What it waits for now, if anything. */
  current(): AgentWait | null;
  clear(): void;
}

export function installAgentWait(onChange: (wait: AgentWait | null) => void): AgentWaitState {
  let current: AgentWait | null = null;
  setHandler(agentWaitSignal, (wait) => {
    current = wait && (wait.usageLimitUntil || wait.stalledSince) ? wait : null;
    onChange(current);
  });
  const hhmm = (iso: string): string => `${iso.slice(11, 16)} UTC`;
  return {
    note: () => {
      if (current?.usageLimitUntil) return ` — waiting for usage limit until ${hhmm(current.usageLimitUntil)}`;
      if (current?.stalledSince) return ` — no progress since ${hhmm(current.stalledSince)} (stalled)`;
      return '';
    },
    current: () => current,
    clear: () => {
      current = null;
    },
  };
}
