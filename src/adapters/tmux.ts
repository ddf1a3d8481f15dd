// tmux adapter: the only module that runs `tmux`. Typed interface + factory.
// Tests pass an isolated socket (`-S`) and `-f /dev/null`; production uses the user's default server.

export interface PaneInfo {
  /** tmux pane id, e.g. "%3": stable for the pane's life, unlike indexes. */
  id: string;
  index: number;
  /** The pane user option @ccp_role: "dashboard" or "worker". */
  role: string;
  /** The pane user option @ccp_task: the subissue label it works on, "" when idle. */
  task: string;
  dead: boolean;
  pid: number;
  currentCommand: string;
}

export interface EnsureSessionInput {
  session: string;
  /** Worker panes (1..N); pane 0 is the dashboard. */
  workers: number;
  dashboardCommand: string;
  /** Command an idle worker pane shows (e.g. a short "idle" banner loop). */
  idleCommand: (workerIndex: number) => string;
  cwd: string;
}

export interface TmuxAdapter {
  readonly socketPath: string | undefined;
  hasSession(session: string): Promise<boolean>;
  /** Creates the session with dashboard + N worker panes (remain-on-exit, tiled), or adds missing worker panes. */
  ensureSession(input: EnsureSessionInput): Promise<void>;
  killSession(session: string): Promise<void>;
  listPanes(session: string): Promise<PaneInfo[]>;
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
