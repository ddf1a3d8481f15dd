// Durability end to end: the ccp worker process is killed (SIGKILL) while an agent works in its pane; `ccp up`
// starts a new worker, Temporal retries the session after the heartbeat timeout, and the new worker re-attaches
// to the agent still running in the pane — the work finishes without starting the agent over.
import { mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectClient } from '../../src/cli/client.js';
import { demoEnvironment } from '../../src/cli/demo.js';
import { startParents } from '../../src/client/parents.js';
import { loadConfig } from '../../src/config/config.js';
import { startOfflineServices, type OfflineServices } from '../../src/offline/services.js';
import { mergeOpenPullRequests } from '../../src/offline/reviewer.js';
import { parentStatusQuery } from '../../src/shared/messages.js';
import { isAlive } from '../../src/stack/processes.js';
import { down, up } from '../../src/stack/stack.js';
import { createGitHubAdapter } from '../../src/adapters/github.js';
import { createTmuxFromConfig } from '../../src/worker/adapters.js';

let offline: OfflineServices | undefined;

afterAll(async () => {
  await offline?.close();
});

test('a worker killed mid-session comes back and re-attaches to the running agent', async () => {
  const dir = mkdtempSync('/tmp/ccp-crash-');
  offline = await startOfflineServices(dir);
  const env: NodeJS.ProcessEnv = {
    ...(await demoEnvironment(offline, 1, { ...process.env, CCP_TMUX_SOCKET: path.join(dir, 'tmux.sock') })),
    CCP_TMUX_CONFIG: '/dev/null',
    CCP_MERGE_POLL_SECONDS: '1',
    CCP_AGENT_PRETRUST: 'on',
  };
  const config = loadConfig(env);
  const tmux = createTmuxFromConfig(config);
  const workerPidFile = path.join(config.paths.run, 'worker.pid');
  try {
    await up(config, env);
    const client = await connectClient(config);
    const repo = { owner: 'ccp-demo', repo: 'scratch' };
    const issue = offline.github.seedIssue(repo.owner, repo.repo, { title: 'Survive a crash', body: '- [ ] First part\n- [ ] Second part\n' });
    const [run] = await startParents(client, config.taskQueue, repo, [issue.number], config.run);

    // Kill the worker as soon as an agent is at work in the pane (it then waits at a dialog nobody answers).
    let victim: { label: string } | undefined;
    for (let i = 0; i < 240 && !victim; i++) {
      const busy = (await tmux.listPanes(config.tmux.session)).find((p) => p.role === 'worker' && p.task !== '');
      const started = busy && offline.model.requests.some((r) => `subissue-${r.subissue}` === busy.task && r.step === 0);
      if (busy && started) victim = { label: busy.task };
      else await sleep(100);
    }
    expect(victim).toBeDefined();
    const oldWorker = Number(readFileSync(workerPidFile, 'utf8'));
    process.kill(oldWorker, 'SIGKILL');
    for (let i = 0; i < 50 && isAlive(oldWorker); i++) await sleep(100);
    expect(isAlive(oldWorker)).toBe(false);

    await up(config, env); // what a user (or a supervisor) does
    expect(Number(readFileSync(workerPidFile, 'utf8'))).not.toBe(oldWorker);

    const github = createGitHubAdapter({ token: offline.githubToken, baseUrl: offline.github.url, throttle: false });
    const handle = client.workflow.getHandle(run.workflowId);
    for (let i = 0; i < 600; i++) {
      await mergeOpenPullRequests(github, repo, [await handle.query(parentStatusQuery)]);
      if ((await handle.describe()).status.name !== 'RUNNING') break;
      await sleep(500);
    }
    const status = await handle.query(parentStatusQuery);
    expect(status.phase).toBe('closed');

    // The interrupted session was not started over: the model saw each of its steps once.
    const steps = offline.model.requests.filter((r) => `subissue-${r.subissue}` === victim!.label).map((r) => r.step);
    expect(steps).toEqual([0, 1, 2]);
  } finally {
    await down(config, 'now');
  }
}, 240_000);
