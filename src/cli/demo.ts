// `ccp demo`: the whole path offline on real parts — a scratch repo with a bare origin, the GitHub stand-in
// seeded with two issues, the stack (Temporal, pueued, tmux, worker) with the real Claude Code on the scripted
// model server — run to the end, with the demo acting as the reviewer who merges each PR.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGitHubAdapter, type GitHubAdapter } from '../adapters/github.js';
import { loadConfig, type CcpConfig } from '../config/config.js';
import { createTmuxAdapter } from '../adapters/tmux.js';
import { freePort } from '../offline/ports.js';
import { mergeOpenPullRequests } from '../offline/reviewer.js';
import { startOfflineServices, type OfflineServices } from '../offline/services.js';
import type { ParentStatus } from '../shared/messages.js';
import type { RepoRef } from '../shared/types.js';
import { down, stackInfo, up } from '../stack/stack.js';
import { createPueueFromConfig } from '../worker/adapters.js';
import { oneLineReason } from '../core/reasons.js';
import { shellQuote } from '../core/shell.js';
import { connectClient } from './client.js';
import { startParents } from '../client/parents.js';
import { fetchParentStatuses } from '../client/statuses.js';

const DEMO_ISSUES = [
  {
    title: 'Add a greeting module',
    body: 'We want a friendly greeting for new users.\n\n- [ ] Write the greeting function\n- [ ] Document the greeting in the README\n',
  },
  {
    title: 'Add a farewell module',
    body: 'Users should be seen off politely.\n\n- [ ] Write the farewell function\n- [ ] Add farewell examples\n',
  },
];
const DEMO_TIMEOUT_MS = 15 * 60_000;

export interface DemoSummary {
  ok: boolean;
  parents: Array<{
    number: number;
    state: string;
    subissues: Array<{ number: number; state: string; pr?: { number: number; merged: boolean } }>;
  }>;
  /** pueue's view at the end: the mirror tasks and their states. */
  pueue: Array<{ label: string; state: string }>;
  /** The Web UI's own API listing the workflows (what a person sees there). */
  webUi: { url: string; workflowsListed: number };
  temporalAddress: string;
  /** Scratch directory of this run (repo, state, logs). */
  dir: string;
  /** ccp's state dir of the demo stack (logs in its logs/). */
  ccpHome: string;
  /** What did not finish, each with why: empty when ok. */
  failures: string[];
  elapsedSeconds: number;
}

async function tmuxSessionName(socket: string | undefined): Promise<string> {
  // Never take over a real `claude-workers` session the user already has on the default server.
  const taken = await createTmuxAdapter({ socketPath: socket }).hasSession('claude-workers');
  return taken ? 'claude-workers-demo' : 'claude-workers';
}

/** The environment of a stack on the offline services: own state dir and ports, fast merge polling. */
export async function demoEnvironment(
  offline: OfflineServices,
  workers: number,
  base: NodeJS.ProcessEnv = process.env,
): Promise<NodeJS.ProcessEnv> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...base,
    ...offline.env,
    CCP_HOME: path.join(offline.dir, 'ccp-home'),
    CCP_TEMPORAL_PORT: String(port),
    CCP_TEMPORAL_UI_PORT: String(await freePort()),
    CCP_WORKERS: String(workers),
    CCP_MERGE_POLL_SECONDS: '2',
    CCP_AGENT_TIMEOUT_MINUTES: '10',
  };
  delete env.CCP_TEMPORAL_ADDRESS;
  env.CCP_TMUX_SESSION = await tmuxSessionName(env.CCP_TMUX_SOCKET);
  return env;
}

/** Prints a line whenever a parent or subissue changes phase. */
function progressPrinter(log: (line: string) => void) {
  const seen = new Map<string, string>();
  return (statuses: ParentStatus[]) => {
    for (const parent of statuses) {
      const key = `#${parent.number}`;
      if (seen.get(key) !== parent.phase) log(`  #${parent.number} ${parent.title}: ${parent.phase}`);
      seen.set(key, parent.phase);
      for (const sub of parent.subissues) {
        const detail = `${sub.phase}${sub.pr ? ` (PR #${sub.pr.number})` : ''}`;
        if (seen.get(`${key}/${sub.number}`) !== detail) log(`    #${sub.number} ${sub.title}: ${detail}`);
        seen.set(`${key}/${sub.number}`, detail);
      }
    }
  };
}

async function pueueSnapshot(config: CcpConfig): Promise<DemoSummary['pueue']> {
  const tasks = await createPueueFromConfig(config).status();
  return tasks.filter((t) => t.label).map((t) => ({ label: t.label as string, state: t.state }));
}

/** Asks the Web UI's HTTP API (the one its pages use) how many workflows it lists. */
async function webUiWorkflowCount(config: CcpConfig): Promise<number> {
  const url = `http://127.0.0.1:${config.temporal.uiPort}/api/v1/namespaces/${config.temporal.namespace}/workflows`;
  const response = await fetch(url);
  if (!response.ok) return 0;
  const body = (await response.json()) as { executions?: unknown[] };
  return body.executions?.length ?? 0;
}

async function summarize(
  github: GitHubAdapter,
  repo: RepoRef,
  statuses: ParentStatus[],
  extras: Pick<DemoSummary, 'pueue' | 'webUi' | 'dir' | 'ccpHome' | 'temporalAddress'>,
  started: number,
): Promise<DemoSummary> {
  const parents: DemoSummary['parents'] = [];
  for (const parent of statuses) {
    const subissues: DemoSummary['parents'][number]['subissues'] = [];
    for (const sub of parent.subissues) {
      const issue = await github.getIssue(repo, sub.number);
      const pr = sub.pr ? await github.getPullRequest(repo, sub.pr.number) : undefined;
      subissues.push({ number: sub.number, state: issue.state, pr: pr && { number: pr.number, merged: pr.merged } });
    }
    parents.push({ number: parent.number, state: (await github.getIssue(repo, parent.number)).state, subissues });
  }
  const failures = whatFailed(statuses, parents);
  const ok = failures.length === 0 && parents.length === DEMO_ISSUES.length;
  return { ok, parents, ...extras, failures, elapsedSeconds: Math.round((Date.now() - started) / 1000) };
}

/** Each parent or subissue that did not end closed/merged, with the reason ccp knows (one line each). */
function whatFailed(statuses: ParentStatus[], parents: DemoSummary['parents']): string[] {
  const out: string[] = [];
  for (const parent of parents) {
    const status = statuses.find((s) => s.number === parent.number);
    if (parent.state !== 'closed' || parent.subissues.length === 0) {
      out.push(`parent #${parent.number} is ${status?.phase ?? parent.state}${status?.error ? `: ${oneLineReason(status.error)}` : ''}`);
    }
    for (const sub of parent.subissues) {
      if (sub.state === 'closed' && sub.pr?.merged) continue;
      const known = status?.subissues.find((s) => s.number === sub.number);
      out.push(`subissue #${sub.number} is ${known?.phase ?? sub.state}${known?.error ? `: ${oneLineReason(known.error)}` : ''}` +
        ` (ccp debug ${sub.number})`);
    }
  }
  return out;
}

/** One line a second shell can paste to drive the demo's stack with `ccp` (the stand-in's token is a fake). */
export function demoExportLine(config: CcpConfig, env: NodeJS.ProcessEnv): string {
  const vars: Record<string, string | undefined> = {
    CCP_HOME: config.home,
    // The port, not CCP_TEMPORAL_ADDRESS: the second shell then sees the demo's own dev server (so `ccp down`
    // there stops it too), not an external cluster.
    CCP_TEMPORAL_PORT: String(config.temporal.port),
    CCP_TEMPORAL_UI_PORT: String(config.temporal.uiPort),
    CCP_GITHUB_API_URL: env.CCP_GITHUB_API_URL,
    CCP_REPO: env.CCP_REPO,
    GITHUB_TOKEN: env.GITHUB_TOKEN,
    CCP_TMUX_SESSION: config.tmux.session,
    ...(config.tmux.socket ? { CCP_TMUX_SOCKET: config.tmux.socket } : {}),
  };
  return `export ${Object.entries(vars).filter(([, v]) => v).map(([k, v]) => `${k}=${shellQuote(v as string)}`).join(' ')}`;
}

export interface DemoFlags {
  json?: boolean;
  keep?: boolean;
  workers: number;
  /** Milliseconds the scripted model "thinks" per turn: enough to watch the panes; 0 = as fast as it goes. */
  pace: number;
}

export async function runDemo(flags: DemoFlags): Promise<number> {
  const started = Date.now();
  // With --json, stdout's last line is the summary: progress goes to stderr.
  const log = (line: string) => (flags.json ? console.error(line) : console.log(line));
  const dir = mkdtempSync(path.join(tmpdir(), 'ccp-demo-'));
  log(`ccp demo in ${dir}`);
  const offline = await startOfflineServices(dir, { paceMs: flags.pace });
  const env = await demoEnvironment(offline, flags.workers);
  const config = loadConfig(env);
  log(`its stack: CCP_HOME=${config.home} (logs in ${config.paths.logs}), Temporal at ${config.temporal.address}`);
  let summary: DemoSummary | undefined;
  let failure: string | undefined;
  try {
    log('bringing the stack up (Temporal dev server, pueued, tmux, worker)…');
    await up(config, env, (line) => log(`  starting ${line} …`));
    const info = stackInfo(config);
    log(`watch it:  ${info.tmuxAttach}`);
    log(`Web UI:    ${info.webUi}`);
    log(`queue:     ${info.pueueStatus}`);

    const repo = { owner: offline.env.CCP_REPO.split('/')[0], repo: offline.env.CCP_REPO.split('/')[1] };
    const issues = DEMO_ISSUES.map((issue) => offline.github.seedIssue(repo.owner, repo.repo, issue));
    const client = await connectClient(config);
    const results = await startParents(client, config.taskQueue, repo, issues.map((i) => i.number), config.run);
    for (const r of results) log(`started #${r.issueNumber} (workflow ${r.workflowId})`);

    const github = createGitHubAdapter({ token: offline.githubToken, baseUrl: offline.github.url, throttle: false });
    const printProgress = progressPrinter(log);
    let lastPueue = '';
    const printPueue = async () => {
      const line = (await pueueSnapshot(config)).map((t) => `${t.label} ${t.state}`).join(', ');
      if (line && line !== lastPueue) log(`  pueue: ${line}`);
      lastPueue = line;
    };
    const handles = results.map((r) => client.workflow.getHandle(r.workflowId));
    let statuses: ParentStatus[] = [];
    const settled = new Set<number>();
    for (;;) {
      statuses = await fetchParentStatuses(client);
      printProgress(statuses);
      await printPueue();
      for (const pr of await mergeOpenPullRequests(github, repo, statuses, settled)) log(`  reviewer: merged PR #${pr}`);
      const running = await Promise.all(handles.map(async (h) => (await h.describe()).status.name === 'RUNNING'));
      if (!running.some(Boolean)) break;
      if (Date.now() - started > DEMO_TIMEOUT_MS) throw new Error('the demo did not finish in 15 minutes: see the worker log and the Web UI');
      await sleep(1000);
    }
    printProgress(statuses);
    await printPueue();
    const webUi = { url: stackInfo(config).webUi ?? '', workflowsListed: await webUiWorkflowCount(config) };
    summary = await summarize(github, repo, statuses,
      { pueue: await pueueSnapshot(config), webUi, dir, ccpHome: config.home, temporalAddress: config.temporal.address }, started);
    if (offline.github.validationErrors.length > 0) {
      summary.failures.push(...offline.github.validationErrors.map((e) => `GitHub stand-in: a response broke GitHub's OpenAPI description: ${e}`));
      summary.ok = false;
    }
    if (summary.ok) log(`demo finished in ${summary.elapsedSeconds} s: every subissue merged, both parents closed`);
    else log(`demo did NOT complete:\n${summary.failures.map((f) => `  - ${f}`).join('\n')}\n  logs: ${config.paths.logs}`);
    if (flags.keep) {
      log('--keep: everything stays up; press Ctrl-C to stop. To drive it from another shell:');
      console.log(demoExportLine(config, env));
      // Ctrl-C, a kill or a closed terminal: each ends the wait, and the stack goes down below.
      await new Promise<void>((resolve) => {
        for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => resolve());
      });
    }
  } catch (err) {
    failure = (err as Error).message;
    log(`demo failed: ${failure}\n  its stack: CCP_HOME=${config.home}, Temporal at ${config.temporal.address}, logs in ${config.paths.logs}`);
  } finally {
    // Nothing of the demo may outlive it: agents too.
    await down(config, 'now').catch((err: unknown) => log(`stopping the stack: ${(err as Error).message}`));
    await offline.close();
  }
  const final: DemoSummary = summary ?? {
    ok: false,
    parents: [],
    pueue: [],
    webUi: { url: '', workflowsListed: 0 },
    temporalAddress: config.temporal.address,
    dir,
    ccpHome: config.home,
    failures: [failure ?? 'the demo ended before it could sum up'],
    elapsedSeconds: Math.round((Date.now() - started) / 1000),
  };
  if (flags.json) console.log(JSON.stringify(final));
  return final.ok ? 0 : 1;
}
