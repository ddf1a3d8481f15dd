// ccp's answer to an agent's dialog. Tool prompts are allowed unless they match a small deny list (destructive or
// privileged commands, and pushing/opening PRs, which ccp does itself); the trust dialog is for ccp's own worktree;
// the API key is the one ccp put in the agent's environment. Pure.
import type { Dialog } from './dialogs.js';

export interface ApprovalPolicy {
  /** A tool prompt whose subject (command or path) matches one of these is denied. */
  denyPatterns: Array<{ pattern: RegExp; reason: string }>;
  /** Trust the folder (ccp's worktree) when asked. */
  trustWorkspace: boolean;
  /** Use the API key found in the environment when asked. */
  useApiKey: boolean;
}

export interface ApprovalDecision {
  decision: 'allow' | 'deny';
  reason: string;
}

export const DEFAULT_DENY_PATTERNS: ApprovalPolicy['denyPatterns'] = [
  { pattern: /\brm\s+(?:-\S+\s+)*(?:\/|~|\$HOME)\/?\*?(?:\s|$)/, reason: 'removes the root or home directory' },
  { pattern: /\bgit\s+push\b/, reason: 'ccp pushes the branch itself' },
  { pattern: /\bgh\s+pr\s+(?:create|merge)\b/, reason: 'ccp opens and merges pull requests itself' },
  { pattern: /(?:^|[\s;&|(])sudo\b/, reason: 'no privileged commands' },
  { pattern: /\b(?:curl|wget)\b[^|]*\|\s*(?:sudo\s+)?(?:ba|z|da)?sh\b/, reason: 'no piping downloads into a shell' },
];

export const DEFAULT_APPROVAL_POLICY: ApprovalPolicy = {
  denyPatterns: DEFAULT_DENY_PATTERNS,
  trustWorkspace: true,
  useApiKey: true,
};

export function decide(dialog: Dialog, policy: ApprovalPolicy = DEFAULT_APPROVAL_POLICY): ApprovalDecision {
  switch (dialog.kind) {
    case 'tool': {
      const hit = policy.denyPatterns.find(({ pattern }) => pattern.test(dialog.subject));
      if (hit) return { decision: 'deny', reason: `ccp policy: ${hit.reason}` };
      return { decision: 'allow', reason: `${dialog.title || 'tool use'} is allowed by ccp policy` };
    }
    case 'trust':
      return policy.trustWorkspace
        ? { decision: 'allow', reason: 'the folder is a ccp worktree' }
        : { decision: 'deny', reason: 'ccp policy: workspace trust is disabled' };
    case 'api-key':
      return policy.useApiKey
        ? { decision: 'allow', reason: 'the key is the one ccp configured for the agent' }
        : { decision: 'deny', reason: 'ccp policy: the environment API key is not to be used' };
    default:
      return { decision: 'deny', reason: `ccp does not know this dialog (${dialog.title || 'untitled'})` };
  }
}
