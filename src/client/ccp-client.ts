// The typed client: ccp's parents started, read, steered and answered from code, over one Temporal connection.
// The CLI's commands are thin layers over it; `import { CcpClient } from 'ccp'` gives it to scripts.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig, type CcpConfig } from '../config/config.js';
import { parseRepo } from '../shared/ids.js';
import {
  PARENT_ENDED_PHASES,
  parentStatusQuery,
  pauseSignal,
  resumeSignal,
  stopSignal,
  type AnsweredApproval,
  type ParentStatus,
} from '../shared/messages.js';
import type { DispatchView } from '../shared/dispatch.js';
import { CCP_SEARCH_ATTRIBUTES } from '../shared/visibility.js';
import { DEFAULT_RUN_SETTINGS, type Priority, type RepoRef, type RunSettings } from '../shared/types.js';
import { changeDispatch, dispatchView } from './dispatch.js';
import {
  delayIssue,
  failedSubissues,
  findSubissue,
  retrySubissue,
  setSubissuePriority,
  steerSubissuePause,
  type FoundSubissue,
} from './steering.js';
import { answerSubissue, waitingRequests, type WaitingRequest } from './approvals.js';
import { connectTemporal, temporalTarget } from './connection.js';
import { NotFoundError, RefusedError } from './errors.js';
import { parentHandle, startParents, type StartOptions, type StartResult } from './parents.js';
import { fetchParentStatuses } from './statuses.js';
import { changeWorkers, listWorkers, localPanes, type WorkerCountResult } from './workers.js';
import type { WorkersList } from '../core/worker-count.js';

export interface CcpClientOptions {
  /** Temporal's frontend, host:port. Without it everything comes from ccp's configuration (`config`). */
  address?: string;
  /** Default "default" (with `address`), else CCP_TEMPORAL_NAMESPACE. */
  namespace?: string;
  /** The queue ccp's workers take workflows from: default "ccp" (with `address`), else CCP_TASK_QUEUE. */
  taskQueue?: string;
  /** What new parents run with, on top of ccp's defaults (or the configuration's CCP_* settings). */
  settings?: Partial<RunSettings>;
  /** ccp's configuration; default `loadConfig()` of this process's environment when no `address` is given. */
  config?: CcpConfig;
  connectTimeoutMs?: number;
}

/** Which parents `status` and `watch` report; every parent's latest run by default. */
export interface StatusFilter {
  repo?: RepoRef | string;
  issues?: number[];
  /** Every run of each parent, newest first, not only its latest. */
  allRuns?: boolean;
  /** At most this many statuses (default 50). */
  limit?: number;
}

export interface WatchOptions extends StatusFilter {
  /** Between two polls (default 2000). */
  intervalMs?: number;
  /** Ends the iteration (also ended by `break`). */
  signal?: AbortSignal;
}

/** A parent a signal reached. */
export interface SteerResult {
  issue: number;
  workflowId: string;
}

type Repo = RepoRef | string;
const toRepo = (repo: Repo): RepoRef => (typeof repo === 'string' ? parseRepo(repo) : repo);
const sameRepo = (a: RepoRef, b: RepoRef): boolean => a.owner === b.owner && a.repo === b.repo;

export class CcpClient {
  private constructor(
    /** The Temporal client underneath, for what the ccp client does not cover. */
    readonly temporal: Client,
    readonly taskQueue: string,
    private readonly settings: RunSettings,
    private readonly ownsConnection: boolean,
    /** ccp's configuration when connected by it: this host's id and tmux session (`workers()`, `addWorkers`). */
    private readonly config?: CcpConfig,
  ) {}

  /** Connects to Temporal: at `address`, or where ccp's configuration says (CCP_TEMPORAL_ADDRESS, …). */
  static async connect(options: CcpClientOptions = {}): Promise<CcpClient> {
    const config = options.config ?? (options.address === undefined ? loadConfig() : undefined);
    const target = options.address !== undefined
      ? { address: options.address, namespace: options.namespace ?? 'default' }
      : { ...temporalTarget(config as CcpConfig), ...(options.namespace ? { namespace: options.namespace } : {}) };
    const temporal = await connectTemporal(target, options.connectTimeoutMs);
    const settings = { ...(config?.run ?? DEFAULT_RUN_SETTINGS), ...options.settings };
    return new CcpClient(temporal, options.taskQueue ?? config?.taskQueue ?? 'ccp', settings, true, config);
  }

  /** Over a Temporal client the caller already has (and closes). */
  static fromTemporal(temporal: Client, options: { taskQueue?: string; settings?: Partial<RunSettings> } = {}): CcpClient {
    return new CcpClient(temporal, options.taskQueue ?? 'ccp', { ...DEFAULT_RUN_SETTINGS, ...options.settings }, false);
  }

  /** One parent workflow per issue. An issue with a running or finished run is not started again (its result says
   * why); a failed run is started again, keeping what was merged. The stack must be up (`ccp up`): this only starts
   * workflows. */
  start(repo: Repo, issueNumbers: number[], settings: Partial<RunSettings> = {}, options: StartOptions = {})
    : Promise<StartResult[]> {
    return startParents(this.temporal, this.taskQueue, toRepo(repo), issueNumbers, { ...this.settings, ...settings }, options);
  }

  /** `ccp add`: the same as `start`, which never brings the stack up from here. */
  add(repo: Repo, issueNumbers: number[], settings?: Partial<RunSettings>, options?: StartOptions): Promise<StartResult[]> {
    return this.start(repo, issueNumbers, settings, options);
  }

  /** What `ccp status --json` shows: the parents' own status queries, sorted by issue number. */
  status(filter: StatusFilter = {}): Promise<ParentStatus[]> {
    const repo = filter.repo === undefined ? undefined : toRepo(filter.repo);
    const keep = (s: ParentStatus) => (!repo || sameRepo(s.repo, repo)) && (!filter.issues || filter.issues.includes(s.number));
    return fetchParentStatuses(this.temporal, filter.limit, filter.allRuns, keep);
  }

  /** One parent's status (its latest run, finished ones too); NotFoundError when ccp never ran it. */
  async parentStatus(repo: Repo, issueNumber: number): Promise<ParentStatus> {
    const handle = await parentHandle(this.temporal, toRepo(repo), issueNumber);
    return handle.query(parentStatusQuery).catch((err: unknown) => {
      throw notFound(err, `no ccp workflow for ${handle.workflowId}: \`ccp status\` lists the parents`, issueNumber);
    });
  }

  /** `status(filter)` now and then every `intervalMs`, until `signal` aborts or the loop breaks. */
  async *watch(options: WatchOptions = {}): AsyncGenerator<ParentStatus[], void, undefined> {
    while (!options.signal?.aborted) {
      yield await this.status(options);
      // An abort ends the wait early; the loop condition then ends the iteration.
      await sleep(options.intervalMs ?? 2000, undefined, { signal: options.signal }).catch(() => undefined);
    }
  }

  /** Starts no new subissues of the parent; running agents go on, unless `now` (then they stop, their subissues go
   * back to the queue and continue their conversations on resume). */
  async pause(repo: Repo, issueNumber: number, options: { now?: boolean } = {}): Promise<SteerResult> {
    const result = await this.signalParent(repo, issueNumber, (handle) => handle.signal(pauseSignal));
    await this.dispatch({ kind: 'pause', scope: { kind: 'parent', key: issueKey(repo, issueNumber) }, now: options.now });
    return result;
  }

  async resume(repo: Repo, issueNumber: number): Promise<SteerResult> {
    const result = await this.signalParent(repo, issueNumber, (handle) => handle.signal(resumeSignal));
    await this.dispatch({ kind: 'resume', scope: { kind: 'parent', key: issueKey(repo, issueNumber) } });
    return result;
  }

  /** No agent starts anywhere (`ccp pause`); with `now` running ones stop and go back to the queue. */
  pauseAll(options: { now?: boolean } = {}): Promise<DispatchView> {
    return this.dispatch({ kind: 'pause', scope: { kind: 'all' }, now: options.now });
  }

  resumeAll(): Promise<DispatchView> {
    return this.dispatch({ kind: 'resume', scope: { kind: 'all' } });
  }

  /** No agent of the group starts (`ccp pause --group g`), on any host. */
  pauseGroup(group: string, options: { now?: boolean } = {}): Promise<DispatchView> {
    return this.dispatch({ kind: 'pause', scope: { kind: 'group', name: group }, now: options.now });
  }

  resumeGroup(group: string): Promise<DispatchView> {
    return this.dispatch({ kind: 'resume', scope: { kind: 'group', name: group } });
  }

  /** The subissue's agent does not start (`ccp pause --sub 301`); with `now` a running one stops and waits. */
  pauseSubissue(subissue: number, options: { now?: boolean; repo?: Repo } = {}): Promise<DispatchView> {
    return steerSubissuePause(this.temporal, this.taskQueue, subissue, true, { now: options.now, repo: optionalRepo(options.repo) });
  }

  resumeSubissue(subissue: number, options: { repo?: Repo } = {}): Promise<DispatchView> {
    return steerSubissuePause(this.temporal, this.taskQueue, subissue, false, { repo: optionalRepo(options.repo) });
  }

  /** Cancels one subissue (its agent stops, nothing is merged); `retry` runs it again. */
  async stopSubissue(subissue: number, options: { repo?: Repo } = {}): Promise<FoundSubissue> {
    const found = await findSubissue(this.temporal, subissue, optionalRepo(options.repo));
    if (!found.sub.workflowId) throw new RefusedError(`#${subissue} has not started (${found.sub.phase}): pause it instead (ccp pause --sub ${subissue})`);
    await this.temporal.workflow.getHandle(found.sub.workflowId).cancel();
    return found;
  }

  /** Cancels the running subissues of the group; answers their numbers. */
  async stopGroup(group: string): Promise<number[]> {
    const stopped: number[] = [];
    const query = `WorkflowType = 'subissueWorkflow' AND ExecutionStatus = 'Running' AND CcpGroup = '${group.replace(/'/g, "\\'")}'`;
    for await (const wf of this.temporal.workflow.list({ query })) {
      await this.temporal.workflow.getHandle(wf.workflowId).cancel();
      const number = wf.typedSearchAttributes.get(CCP_SEARCH_ATTRIBUTES.subissue);
      if (number !== undefined) stopped.push(number);
    }
    return stopped;
  }

  /** Stops every running parent (and its subissues). */
  async stopAll(reason = 'ccp stop --all'): Promise<SteerResult[]> {
    const stopped: SteerResult[] = [];
    for (const parent of await this.status()) {
      if (PARENT_ENDED_PHASES.includes(parent.phase)) continue;
      stopped.push(await this.stop(parent.repo, parent.number, reason));
    }
    return stopped;
  }

  /** At most `limit` agents of the group at once, across all hosts (`ccp workers set 3 --group frontend`); null
   * lifts the limit. */
  setGroupLimit(group: string, limit: number | null): Promise<DispatchView> {
    return this.dispatch({ kind: 'set-group-limit', group, limit });
  }

  /** Reorders dispatch now: the subissue is started (and given an agent) by its new priority. */
  setPriority(subissue: number, priority: Priority, options: { repo?: Repo } = {}): Promise<FoundSubissue> {
    return setSubissuePriority(this.temporal, this.taskQueue, subissue, priority, optionalRepo(options.repo));
  }

  /** A subissue's agent (or a parent that has not begun) starts at `until` at the earliest; null: no delay. */
  delay(issue: number, until: Date | null, options: { repo?: Repo } = {}): Promise<{ kind: 'parent' | 'subissue' }> {
    return delayIssue(this.temporal, this.taskQueue, issue, until, optionalRepo(options.repo));
  }

  /** Runs a failed (or stopped, or blocked) subissue again. Its parent, if it ended, is started again: that retries
   * each of its unfinished subissues. */
  retry(subissue: number, options: { repo?: Repo; found?: FoundSubissue } = {}): Promise<{ found: FoundSubissue; how: 'signal' | 'restart' }> {
    return retrySubissue(this.temporal, subissue, (parent) => this.restartParent(parent), optionalRepo(options.repo), options.found);
  }

  /** The retry queue: subissues that failed for good. */
  failed(options: { repo?: Repo } = {}): Promise<FoundSubissue[]> {
    return failedSubissues(this.temporal, optionalRepo(options.repo));
  }

  /** Stops the subissue's running agent and puts it back in the queue (its conversation continues when it runs).
   * `found` (with retry too): where it lives, known already (the pueue mirror's): not looked up again. */
  async requeue(subissue: number, options: { repo?: Repo; found?: FoundSubissue } = {}): Promise<FoundSubissue> {
    const found = options.found ?? await findSubissue(this.temporal, subissue, optionalRepo(options.repo));
    await this.dispatch({ kind: 'requeue', subissue: found.key });
    return found;
  }

  /** The dispatcher's state: host worker counts, group limits, pauses, who runs and who waits (and why). */
  dispatcher(): Promise<DispatchView> {
    return dispatchView(this.temporal, this.taskQueue);
  }

  /** Any change of the dispatcher's controls (the methods above are made of it). */
  dispatch(change: Parameters<typeof changeDispatch>[2]): Promise<DispatchView> {
    return changeDispatch(this.temporal, this.taskQueue, change);
  }

  /** Cancels the parent and its running subissues. */
  stop(repo: Repo, issueNumber: number, reason = 'ccp stop'): Promise<SteerResult> {
    return this.signalParent(repo, issueNumber, (handle) => handle.signal(stopSignal, { reason }));
  }

  /** Requests of agents that wait for a person now, oldest first (`ccp approvals --pending`). */
  pending(): Promise<WaitingRequest[]> {
    return waitingRequests(this.temporal);
  }

  /** Lets the subissue's agent do what it waits for: the oldest request, or `id`; `always` allows identical ones
   * from now on. NotFoundError for a subissue ccp does not work on, RefusedError when nothing (or not `id`) waits. */
  approve(subissue: number, options: { always?: boolean; id?: string } = {}): Promise<AnsweredApproval> {
    return answerSubissue(this.temporal, subissue, { decision: 'allow', ...options });
  }

  /** Refuses it; the agent reads `reason` (what to do instead) and carries on. */
  deny(subissue: number, options: { reason?: string; id?: string } = {}): Promise<AnsweredApproval> {
    const reason = options.reason ? `denied by a person: ${options.reason}` : undefined;
    return answerSubissue(this.temporal, subissue, { decision: 'deny', reason, id: options.id });
  }

  /** Every host's worker count and who works where: the dispatcher's slot holders (host, group, subissue, since when)
   * and, connected by ccp's configuration, this host's panes (idle and going ones too). */
  workers(): Promise<WorkersList> {
    return listWorkers(this.temporal, this.taskQueue, this.config && localPanes(this.config));
  }

  /** Sets a host's worker count (default this host, or the only one): its worker adds or removes panes to match,
   * without a restart. Fewer than run now: they finish first, unless `now` (their subissues go back to the queue and
   * continue their conversations later). RefusedError beyond 0..64. */
  setWorkers(workers: number, options: { host?: string; now?: boolean } = {}): Promise<WorkerCountResult> {
    return changeWorkers(this.temporal, this.taskQueue, options.host ?? this.config?.hostId, { kind: 'set', workers }, options.now);
  }

  /** `workers` more on the host (`ccp workers add N`). */
  addWorkers(workers: number, options: { host?: string } = {}): Promise<WorkerCountResult> {
    return changeWorkers(this.temporal, this.taskQueue, options.host ?? this.config?.hostId, { kind: 'add', workers });
  }

  /** `workers` fewer (`ccp workers remove N [--now]`); RefusedError when the host has fewer. */
  removeWorkers(workers: number, options: { host?: string; now?: boolean } = {}): Promise<WorkerCountResult> {
    return changeWorkers(this.temporal, this.taskQueue, options.host ?? this.config?.hostId, { kind: 'remove', workers },
      options.now);
  }

  /** Closes the connection `connect` opened (one given to `fromTemporal` stays open). */
  async close(): Promise<void> {
    if (this.ownsConnection) await this.temporal.connection.close();
  }

  private async restartParent(parent: ParentStatus): Promise<void> {
    const [result] = await this.start(parent.repo, [parent.number]);
    if (!result.started) throw new RefusedError(result.note ?? `parent #${parent.number} could not be started again`);
  }

  // Steering a parent by signal.
  private async signalParent(repo: Repo, issueNumber: number,
    send: (handle: Awaited<ReturnType<typeof parentHandle>>) => Promise<void>): Promise<SteerResult> {
    const handle = await parentHandle(this.temporal, toRepo(repo), issueNumber);
    await send(handle).catch((err: unknown) => {
      throw notFound(err, `no running ccp workflow for ${handle.workflowId}: \`ccp status\` lists the parents`, issueNumber);
    });
    return { issue: issueNumber, workflowId: handle.workflowId };
  }
}

const issueKey = (repo: Repo, issueNumber: number): string => {
  const r = toRepo(repo);
  return `${r.owner}/${r.repo}#${issueNumber}`;
};
const optionalRepo = (repo: Repo | undefined): RepoRef | undefined => (repo === undefined ? undefined : toRepo(repo));

/** Temporal's "not found" (no such workflow, or it has ended) as ccp's NotFoundError; anything else as it is. */
function notFound(err: unknown, message: string, issueNumber: number): unknown {
  return err instanceof WorkflowNotFoundError ? new NotFoundError(message, 'parent', issueNumber) : err;
}
