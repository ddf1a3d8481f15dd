// The work every contender in `npm run bench -- --compare` does per subissue: a checkout of its own, one commit,
// a push to the bare origin, one PR call to the GitHub stand-in. ccp gets it through CCP_AGENT_COMMAND (the no-op
// agent below, ccp doing the rest); pueue and the bash loop run taskScript for the whole of it.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { claudeCodeBinary } from '../../src/config/tools.js';
import { shellQuote } from '../../src/core/shell.js';

/** Where a contender's work goes: the clone it works from (origin set) and the stand-in's API for the PR. */
export interface Workspace {
  clonePath: string;
  defaultBranch: string;
  githubUrl: string;
  githubToken: string;
  owner: string;
  repo: string;
}

// An identity of its own: a workspace made by clone has no user config, and the agent's HOME has none either.
const IDENTITY = "-c user.name=ccp-bench -c user.email=bench@ccp.invalid";

/**
 * The no-op agent as an executable (CCP_AGENT_COMMAND): in a session it commits one file named after its branch
 * and exits 0; print mode (`-p`, the planning step) goes on to the real Claude Code on the scripted model.
 */
export function writeNoopAgent(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'noop-agent.sh');
  writeFileSync(file, [
    '#!/bin/sh',
    `for a in "$@"; do [ "$a" = -p ] && exec ${shellQuote(claudeCodeBinary())} "$@"; done`,
    'b=$(git rev-parse --abbrev-ref HEAD | tr / -)',
    'echo "$b" > "bench-$b.md"',
    `git add "bench-$b.md" && git ${IDENTITY} commit -q -m "Bench: $b"`,
    '',
  ].join('\n'));
  chmodSync(file, 0o755);
  return file;
}

/** One subissue's whole work as a shell script: `sh task.sh <i>` (exit 0 once its PR exists). */
export function writeTaskScript(dir: string, ws: Workspace): string {
  mkdirSync(path.join(dir, 'wt'), { recursive: true });
  const file = path.join(dir, 'task.sh');
  const api = `${ws.githubUrl}/repos/${ws.owner}/${ws.repo}/pulls`;
  writeFileSync(file, [
    '#!/bin/sh',
    'set -e',
    'i=$1; b=bench/task-$i',
    `wt=${shellQuote(path.join(dir, 'wt'))}/$i`,
    // git reads every worktree's metadata while it adds or removes one (a half-made one fails it): a lock around
    // only those steps, as a careful script would have; --no-track: no write to the shared config.
    `lock=${shellQuote(path.join(dir, 'worktrees.lock'))}`,
    `flock "$lock" git -C ${shellQuote(ws.clonePath)} worktree add -q --no-track -b "$b" "$wt" ${shellQuote(`origin/${ws.defaultBranch}`)}`,
    'echo "task $i" > "$wt/bench-task-$i.md"',
    `git -C "$wt" add "bench-task-$i.md" && git -C "$wt" ${IDENTITY} commit -q -m "Bench task $i"`,
    'git -C "$wt" push -q origin "$b"',
    `curl -sSf -o /dev/null -X POST -H ${shellQuote(`Authorization: token ${ws.githubToken}`)} \\`,
    "  -H 'Accept: application/vnd.github+json' -H 'Content-Type: application/json' \\",
    `  -d "{\\"title\\":\\"Bench task $i\\",\\"head\\":\\"$b\\",\\"base\\":\\"${ws.defaultBranch}\\"}" ${shellQuote(api)}`,
    `flock "$lock" git -C ${shellQuote(ws.clonePath)} worktree remove --force "$wt"`,
    '',
  ].join('\n'));
  chmodSync(file, 0o755);
  return file;
}
