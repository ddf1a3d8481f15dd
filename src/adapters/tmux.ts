// tmux adapter: the only module that runs `tmux`. Typed interface + factory.
// Tests pass an isolated socket (`-S`) and `-f /dev/null`; production uses the user's default server.
import { runCommand } from '../stack/run-command.js';
import { MIN_WORKER_PANE, nextWorkerNumber, windowWithRoom, type Size } from '../core/pane-layout.js';
import { shellQuote } from '../core/shell.js';

export interface PaneInfo {
  /** tmux pane id, e.g. "%3": stable for the pane's life, unlike indexes. */
  id: string;
  index: number;
  /** The pane user option @ccp_role: "dashboard" or "worker". */
  role: string;
  /** The pane user option @ccp_task: the subissue label it works on, "" when idle. */
  task: string;
  /** The pane user option @ccp_retiring: the pane goes once free (`ccp workers remove`); no new session takes it. */
  retiring: boolean;
  /** The pane user option @ccp_worker: the number its border shows ("worker 3"). */
  worker?: number;
  /** tmux window id, e.g. "@2": worker panes beyond what one window holds go to further windows. */
  windowId: string;
  dead: boolean;
  pid: number;
  currentCommand: string;
}

export interface WorkerPaneInput {
  session: string;
  /** Command an idle worker pane shows (e.g. a short "idle" banner loop). */
  idleCommand: (workerIndex: number) => string;
  cwd: string;
  /** No pane smaller: a window that would tile its panes smaller is full (default MIN_WORKER_PANE). */
  minPane?: Size;
}

export interface EnsureSessionInput extends WorkerPaneInput {
  /** Worker panes (1..N); pane 0 is the dashboard. */
  workers: number;
  dashboardCommand: string;
}

export interface WindowInfo extends Size {
  id: string;
  index: number;
  name: string;
  panes: number;
}

export interface TmuxAdapter {
  readonly socketPath: string | undefined;
  hasSession(session: string): Promise<boolean>;
  /** Creates the session with dashboard + N worker panes (remain-on-exit, tiled), or adds missing worker panes. */
  ensureSession(input: EnsureSessionInput): Promise<void>;
  killSession(session: string): Promise<void>;
  listPanes(session: string): Promise<PaneInfo[]>;
  listWindows(session: string): Promise<WindowInfo[]>;
  /** One more idle worker pane: in the first window with room for it (re-tiled), else in a new window. */
  addWorkerPane(input: WorkerPaneInput): Promise<string>;
  /** Kills the pane and re-tiles what is left of its window (a window left empty closes). */
  removePane(paneId: string): Promise<void>;
  /** Replaces whatever runs in the pane (respawn-pane -k). */
  respawnPane(paneId: string, command: string, cwd: string): Promise<void>;
  setPaneOption(paneId: string, name: string, value: string): Promise<void>;
  /** Visible screen (plus `historyLines` of scrollback), wrapped lines joined. */
  capturePane(paneId: string, historyLines?: number): Promise<string>;
  /** Literal text (send-keys -l): words like "Enter" stay text. */
  sendText(paneId: string, text: string): Promise<void>;
  /** Named keys: "Enter", "Escape", "Up", "Down", "Tab", "1", … */
  sendKeys(paneId: string, ...keys: string[]): Promise<void>;
  /** Appends the pane's raw output to `file` (pipe-pane -O). */
  pipePaneTo(paneId: string, file: string): Promise<void>;
  setPaneTitle(paneId: string, title: string): Promise<void>;
}

export interface TmuxAdapterOptions {
  /** Isolated server socket (tests); undefined = the user's default tmux server. */
  socketPath?: string;
  /** Config file; tests use /dev/null. */
  configFile?: string;
  tmuxBinary?: string;
}

const GRID_WINDOW = 'grid';
/** Options every grid window gets: panes stay when their command exits; border titles come from a pane option
 * (agents overwrite pane_title with their own OSC titles). */
const gridWindowOptions = (target: string): string[] => [
  ';', 'set-option', '-w', '-t', target, 'remain-on-exit', 'on',
  ';', 'set-option', '-w', '-t', target, 'pane-border-status', 'top',
  ';', 'set-option', '-w', '-t', target, 'pane-border-format', ' #{pane_index}: #{@ccp_title} ',
];
// A generous virtual size: detached sessions default to 80x24, which runs out of room after a few splits.
const SESSION_SIZE = { width: 220, height: 60 };
const FIELD_SEPARATOR = '\t';
// Sessions being made or completed by this process, by server and name (see ensureSession).
const sessionsBeingEnsured = new Map<string, Promise<void>>();
const PANE_FORMAT = ['#{pane_id}', '#{pane_index}', '#{@ccp_role}', '#{@ccp_task}', '#{pane_dead}', '#{pane_pid}',
  '#{@ccp_retiring}', '#{@ccp_worker}', '#{window_id}', '#{pane_current_command}'].join(FIELD_SEPARATOR);
const WINDOW_FORMAT = ['#{window_id}', '#{window_index}', '#{window_name}', '#{window_width}', '#{window_height}',
  '#{window_panes}'].join(FIELD_SEPARATOR);

export function createTmuxAdapter(options: TmuxAdapterOptions = {}): TmuxAdapter {
  const binary = options.tmuxBinary ?? 'tmux';
  const globalArgs = [
    ...(options.socketPath ? ['-S', options.socketPath] : []),
    ...(options.configFile ? ['-f', options.configFile] : []),
  ];
  // Started from inside tmux, $TMUX would make some commands act on the caller's server/session.
  const env = { ...process.env };
  delete env.TMUX;
  delete env.TMUX_PANE;

  const run = async (args: string[]): Promise<string> => {
    const result = await runCommand(binary, [...globalArgs, ...args], { env, extendEnv: false });
    if (result.exitCode !== 0) {
      throw new Error(`tmux ${args[0]} failed (exit ${result.exitCode}): ${String(result.stderr).trim()}`);
    }
    return String(result.stdout);
  };

  const setPaneOption = async (paneId: string, name: string, value: string): Promise<void> => {
    await run(['set-option', '-p', '-t', paneId, name, value]);
  };

  const listPanes = async (session: string): Promise<PaneInfo[]> => {
    const out = await run(['list-panes', '-s', '-t', `=${session}`, '-F', PANE_FORMAT]);
    return out.split('\n').filter((line) => line.length > 0).map((line) => {
      const [id, index, role, task, dead, pid, retiring, worker, windowId, ...command] = line.split(FIELD_SEPARATOR);
      return { id, index: Number(index), role, task, dead: dead === '1', pid: Number(pid), retiring: retiring !== '',
        ...(worker ? { worker: Number(worker) } : {}), windowId, currentCommand: command.join(FIELD_SEPARATOR) };
    });
  };

  const listWindows = async (session: string): Promise<WindowInfo[]> => {
    const out = await run(['list-windows', '-t', `=${session}`, '-F', WINDOW_FORMAT]);
    return out.split('\n').filter((line) => line.length > 0).map((line) => {
      const [id, index, name, width, height, panes] = line.split(FIELD_SEPARATOR);
      return { id, index: Number(index), name, width: Number(width), height: Number(height), panes: Number(panes) };
    }).sort((a, b) => a.index - b.index);
  };

  const addWorkerPane = async (input: WorkerPaneInput): Promise<string> => {
    const [windows, panes] = await Promise.all([listWindows(input.session), listPanes(input.session)]);
    const worker = nextWorkerNumber(panes.flatMap((p) => (p.worker === undefined ? [] : [p.worker])));
    const room = windowWithRoom(windows, input.minPane ?? MIN_WORKER_PANE);
    let paneId: string;
    if (room) {
      // Splitting the window's last pane keeps indexes in worker order; re-tile after every split, or the next split
      // finds "no space for new pane".
      const last = panes.filter((p) => p.windowId === room).at(-1)?.id ?? room;
      paneId = (await run([
        'split-window', '-d', '-t', last, '-c', input.cwd, '-P', '-F', '#{pane_id}', input.idleCommand(worker),
        ';', 'select-layout', '-t', room, 'tiled',
      ])).trim();
    } else {
      // Every window is full: another one, with the grid's options set in the same call as it is made.
      const index = Math.max(...windows.map((w) => w.index)) + 1;
      const name = `${GRID_WINDOW}-${nextWorkerNumber([1, ...windows.map((w) => Number(/^grid-(\d+)$/.exec(w.name)?.[1] ?? 0))])}`;
      const target = `=${input.session}:${index}`;
      paneId = (await run([
        'new-window', '-d', '-t', target, '-n', name, '-c', input.cwd, '-P', '-F', '#{pane_id}', input.idleCommand(worker),
        ...gridWindowOptions(target),
      ])).trim();
    }
    await setPaneOption(paneId, '@ccp_role', 'worker');
    await setPaneOption(paneId, '@ccp_task', '');
    await setPaneOption(paneId, '@ccp_worker', String(worker));
    await setPaneOption(paneId, '@ccp_title', `worker ${worker}: idle`);
    return paneId;
  };

  const newSession = async (input: EnsureSessionInput): Promise<void> => {
    const window = `=${input.session}:${GRID_WINDOW}`;
    // remain-on-exit in the same call as new-session: a quickly exiting first command would otherwise take the
    // session (and an otherwise empty server) down before the option is set.
    const dashboardId = (await run([
      'new-session', '-d', '-s', input.session, '-n', GRID_WINDOW, '-x', String(SESSION_SIZE.width),
      '-y', String(SESSION_SIZE.height), '-c', input.cwd, '-P', '-F', '#{pane_id}', input.dashboardCommand,
      ...gridWindowOptions(window),
    ])).trim();
    await setPaneOption(dashboardId, '@ccp_role', 'dashboard');
    await setPaneOption(dashboardId, '@ccp_title', 'ccp dashboard');
  };

  return {
    socketPath: options.socketPath,

    async hasSession(session) {
      const result = await runCommand(binary, [...globalArgs, 'has-session', '-t', `=${session}`],
        { env, extendEnv: false });
      return result.exitCode === 0;
    },

    async ensureSession(input) {
      // One at a time per session in this process: the worker's pane follower and an agent session finding the
      // tmux server gone may both make it again, and the second would find a duplicate session.
      const key = `${options.socketPath ?? 'default'}|${input.session}`;
      const mine = (sessionsBeingEnsured.get(key) ?? Promise.resolve()).catch(() => undefined)
        .then(async () => {
          if (!(await this.hasSession(input.session))) await newSession(input);
          const workers = (await listPanes(input.session)).filter((pane) => pane.role === 'worker').length;
          for (let i = workers; i < input.workers; i++) await addWorkerPane(input);
        });
      sessionsBeingEnsured.set(key, mine);
      try {
        await mine;
      } finally {
        if (sessionsBeingEnsured.get(key) === mine) sessionsBeingEnsured.delete(key);
      }
    },

    async killSession(session) {
      if (await this.hasSession(session)) await run(['kill-session', '-t', `=${session}`]);
    },

    listPanes,
    listWindows,
    addWorkerPane,

    async removePane(paneId) {
      const windowId = (await run(['display-message', '-p', '-t', paneId, '#{window_id}'])).trim();
      await run(['kill-pane', '-t', paneId]);
      // The window closed with its last pane: nothing to re-tile.
      await run(['select-layout', '-t', windowId, 'tiled']).catch(() => undefined);
    },

    async respawnPane(paneId, command, cwd) {
      await run(['respawn-pane', '-k', '-t', paneId, '-c', cwd, command]);
    },

    setPaneOption,

    async capturePane(paneId, historyLines) {
      const history = historyLines && historyLines > 0 ? ['-S', String(-historyLines)] : [];
      return run(['capture-pane', '-p', '-J', '-t', paneId, ...history]);
    },

    async sendText(paneId, text) {
      await run(['send-keys', '-t', paneId, '-l', '--', text]);
    },

    async sendKeys(paneId, ...keys) {
      if (keys.length > 0) await run(['send-keys', '-t', paneId, ...keys]);
    },

    async pipePaneTo(paneId, file) {
      await run(['pipe-pane', '-O', '-t', paneId, `cat >> ${shellQuote(file)}`]);
    },

    async setPaneTitle(paneId, title) {
      // One tmux process for both (it is set at every session's start and end).
      await run(['select-pane', '-t', paneId, '-T', title, ';', 'set-option', '-p', '-t', paneId, '@ccp_title', title]);
    },
  };
}
