// A real pueued of its own for tests (temp dir, own socket), the pueue CLI beside the adapter, and parent statuses
// as data for the mirror reconciler (what the parents' queries would say).
import { mkdtempSync, rmSync } from 'node:fs';
import { execa } from 'execa';
import { createPueueAdapter, type PueueAdapter, type PueueAdapterOptions, type PueueTask, type PueueTaskState } from '../../src/adapters/pueue.js';
import { parseStatus, type PueueSnapshot } from '../../src/adapters/pueue-status.js';
import { reconcileMirror, type ReconcileResult } from '../../src/client/mirror-apply.js';
import { toolPath } from '../../src/config/tools.js';
import { scrubEnv } from '../../src/core/env-scrub.js';
import type { DispatchState } from '../../src/shared/dispatch.js';
import type { ParentStatus, SubissueStatus } from '../../src/shared/messages.js';

export interface PueueBed {
  dir: string;
  pueue: PueueAdapter;
  /** The real pueue client on the bed's daemon. */
  cli(...args: string[]): Promise<string>;
  /** A task's whole output (`pueue log --full`). */
  output(id: number): Promise<string>;
  waitForState(label: string, state: PueueTaskState, timeoutMs?: number): Promise<PueueTask>;
  /** One reconciler pass over these parents. */
  reconcile(parents: ParentStatus[], paused?: DispatchState['paused']): Promise<ReconcileResult>;
  stop(): Promise<void>;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startPueueBed(options: Partial<PueueAdapterOptions> = {}): Promise<PueueBed> {
  // Short: the socket path must fit in sun_path.
  const dir = mkdtempSync('/tmp/ccp-pq-');
  const pueue = createPueueAdapter({ dir, pueueBinary: toolPath('pueue'), pueuedBinary: toolPath('pueued'), ...options });
  await pueue.ensureDaemon();
  const cli = async (...args: string[]): Promise<string> =>
    String((await execa(toolPath('pueue'), ['-c', pueue.configPath, ...args], { env: scrubEnv(process.env), extendEnv: false })).stdout);
  return {
    dir,
    pueue,
    cli,
    async output(id) {
      return (JSON.parse(await cli('log', '--json', '--full', String(id))) as Record<string, { output: string }>)[String(id)].output;
    },
    waitForState: (label, state, timeoutMs) => waitFor(`${label} to be ${state}`, async () => {
      const task = await pueue.findByLabel(label);
      return task?.state === state ? task : undefined;
    }, timeoutMs),
    reconcile: (parents, paused) => reconcileMirror(pueue, { parents, paused, now: new Date(), cwd: dir }),
    async stop() {
      await pueue.shutdown().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A subissue's status as its parent's query reports it. */
export function subStatus(number: number, phase: SubissueStatus['phase'], extra: Partial<SubissueStatus> = {}): SubissueStatus {
  return { key: `k${number}`, number, title: `Task ${number}`, priority: 'normal', dependsOn: [], phase,
    updatedAt: new Date().toISOString(), ...extra };
}

export function parentStatus(number: number, subissues: SubissueStatus[], extra: Partial<ParentStatus> = {}): ParentStatus {
  return { repo: { owner: 'octo', repo: 'shop' }, number, title: `Parent ${number}`, phase: 'running', paused: false, subissues, ...extra };
}

/** A `pueue status --json` as data: tasks (in group ccp unless said) and groups. */
export function pueueSnapshot(tasks: Array<{ id: number; label: string; status: unknown; group?: string; dependencies?: number[] }>,
  groups: Record<string, { status?: string; parallel_tasks: number }>): PueueSnapshot {
  return parseStatus(JSON.stringify({
    tasks: Object.fromEntries(tasks.map((t) => [t.id, { command: 'c', path: '/', group: 'ccp', ...t }])),
    groups,
  }));
}
