// A worker killed with -9 leaves its planning `claude -p` running; the next worker stops it (and nothing else).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stopLeftoverChildren, trackChild } from '../../src/agents/print-children.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('leftover print-mode agents of a dead worker are stopped; a live worker\'s own, and other programs, are not', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ccp-children-'));
  const agent = spawn('bash', ['-c', 'exec -a claude-print sleep 60'], { stdio: 'ignore' });
  const other = spawn('sleep', ['60'], { stdio: 'ignore' });
  const mine = spawn('bash', ['-c', 'exec -a claude-mine sleep 60'], { stdio: 'ignore' });
  try {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const deadWorker = spawnSync('true').pid as number; // exited: the worker that started them is gone
    for (const pid of [agent.pid, other.pid]) writeFileSync(path.join(dir, `print-${pid}`), `${deadWorker}\n`);
    trackChild(dir, mine.pid); // this (live) process's own child
    expect(stopLeftoverChildren(dir)).toEqual([agent.pid]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(alive(agent.pid as number)).toBe(false);
    expect(alive(other.pid as number)).toBe(true); // a reused pid that is no agent
    expect(alive(mine.pid as number)).toBe(true);
    expect(readdirSync(dir)).toEqual([`print-${mine.pid}`]);
  } finally {
    for (const child of [agent, other, mine]) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
