// The approval policy file (Claude Code permission rules, merged on top of ccp's default deny set) and the
// append-only approval audit log that `ccp approvals` reads.
import { readFileSync } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ApprovalRecordLine } from '../agents/types.js';
import { DEFAULT_APPROVAL_POLICY, policyFromDocument, PolicyError, type ApprovalPolicy } from './approval-policy.js';

/** The policy in `file` on top of the defaults; any problem is a PolicyError naming the file (and the bad rule). */
export function loadPolicyFile(file: string): ApprovalPolicy {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const why = err instanceof SyntaxError ? `is not valid JSON (${err.message})` : `cannot be read (${String(err)})`;
    throw new PolicyError(`policy file ${file} ${why}`);
  }
  try {
    return policyFromDocument(document, DEFAULT_APPROVAL_POLICY);
  } catch (err) {
    if (err instanceof PolicyError) throw new PolicyError(`policy file ${file}: ${err.message}`);
    throw err;
  }
}

/** Appends one decision as one JSON line: opened with O_APPEND, written in one call, never rewritten; mode 0600. */
export async function appendApproval(file: string, line: ApprovalRecordLine): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await appendFile(file, `${JSON.stringify(line)}\n`, { mode: 0o600, flag: 'a' });
}
