// `ccp demo --json` end to end, as a user runs it: the CLI brings the stack up (`ccp up` path: detached
// Temporal dev server, pueued, tmux session, worker process), runs two issues to closed parents, and stops it all.
import { execa } from 'execa';
import { mkdtempSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { canConnect } from '../../src/stack/temporal-server.js';
import type { DemoSummary } from '../../src/cli/demo.js';
import { CCP_BIN } from '../../src/stack/stack.js';


test('ccp demo --json closes both parents with every subissue merged, and leaves nothing running', async () => {
  const sandbox = mkdtempSync('/tmp/ccp-e2e-');
  const run = await execa(process.execPath, [CCP_BIN, 'demo', '--json', '--pace', '0'], {
    env: { CCP_TMUX_SOCKET: path.join(sandbox, 'tmux.sock'), CCP_TMUX_CONFIG: '/dev/null' },
    reject: false,
    timeout: 12 * 60_000,
  });
  const lines = run.stdout.trim().split('\n');
  const summary = JSON.parse(lines[lines.length - 1]) as DemoSummary;
  if (!summary.ok) console.error(run.stderr);
  expect(run.exitCode).toBe(0);
  expect(summary.ok).toBe(true);
  expect(summary.failures).toEqual([]);
  expect(run.stderr).toContain(`its stack: CCP_HOME=${summary.ccpHome}`);
  expect(run.stderr).toContain(`Temporal at ${summary.temporalAddress}`);
  expect(summary.parents).toHaveLength(2);
  for (const parent of summary.parents) {
    expect(parent.state).toBe('closed');
    expect(parent.subissues.length).toBeGreaterThanOrEqual(2);
    for (const sub of parent.subissues) {
      expect(sub.state).toBe('closed');
      expect(sub.pr?.merged).toBe(true);
    }
  }
  // pueue mirrored every subissue, and they all ended in Success.
  const subNumbers = summary.parents.flatMap((p) => p.subissues.map((s) => `subissue-${s.number}`)).sort();
  expect(summary.pueue.map((t) => t.label).sort()).toEqual(subNumbers);
  expect(summary.pueue.every((t) => t.state === 'Success')).toBe(true);
  // The Web UI's API listed the workflows (2 parents + their children).
  expect(summary.webUi.workflowsListed).toBeGreaterThanOrEqual(2 + subNumbers.length);
  // Progress went to stderr while it ran, including where to look.
  expect(run.stderr).toMatch(/tmux -S .* attach -t claude-workers/);
  expect(run.stderr).toContain('Web UI:    http://127.0.0.1:');
  // Every tool use was decided by ccp's hook (never a key press on a dialog) and is in the audit log
  // `ccp approvals` reads: the agent's Write and its git commit, each allowed by the scope policy.
  const approvals = await execa(process.execPath, [CCP_BIN, 'approvals', '--json'], { env: { CCP_HOME: summary.ccpHome } });
  const decisions = JSON.parse(approvals.stdout) as Array<{ label: string; tool?: string; via?: string; decision: string }>;
  for (const label of subNumbers) {
    const decided = decisions.filter((l) => l.label === label).map((l) => `${l.via}:${l.tool}:${l.decision}`);
    expect(decided).toEqual(expect.arrayContaining(['hook:Write:allow', 'hook:Bash:allow']));
  }
  expect(decisions.filter((l) => l.via === 'pane' && l.tool !== undefined)).toEqual([]);
  expect(decisions.every((l) => l.decision === 'allow')).toBe(true);

  // `ccp down` ran: the Temporal server no longer answers, the tmux session and the pid files are gone.
  expect(await canConnect(summary.temporalAddress)).toBe(false);
  const tmux = await execa('tmux', ['-S', path.join(sandbox, 'tmux.sock'), 'has-session', '-t', 'claude-workers'], { reject: false });
  expect(tmux.exitCode).not.toBe(0);
  expect(readdirSync(path.join(summary.dir, 'ccp-home', 'run')).filter((f) => f.endsWith('.pid'))).toEqual([]);
}, 15 * 60_000);
