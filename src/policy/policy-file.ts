// The approval policy file (rules on top of ccp's built-in scope policy), loaded the same way by the worker,
// `ccp up`/`ccp start` and `ccp policy check`; and the append-only approval audit log `ccp approvals` reads.
import { readFileSync } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ApprovalRecordLine } from '../agents/types.js';
import { createPolicy, type Policy } from './engine.js';
import { PolicyError } from './policy-document.js';

/** The policy of `file` (the built-in one without a file); any problem is a PolicyError naming the file and rule. */
export function loadPolicyFile(file: string | undefined): Policy {
  if (!file) return createPolicy();
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const why = err instanceof SyntaxError ? `is not valid JSON (${err.message})` : `cannot be read (${(err as Error).message})`;
    throw new PolicyError(`policy file ${file} ${why}`);
  }
  try {
    return createPolicy(document);
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
