// What `ccp gc` does with each workspace left in $CCP_HOME/worktrees: pure, so every rule is tested without I/O.
// A workspace is work until proven otherwise: one that a running subissue uses, or that holds commits or changes
// found nowhere else, stays (the latter unless --force); a half-made one from a crash, or a finished one, goes.

export interface WorkspaceFacts {
  path: string;
  /** The subissue number its name says (subissue-<n>), if any. */
  subissue?: number;
  /** A clone a crashed `createWorkspace` left half-made (`<name>.tmp-<pid>`, that pid gone). */
  halfMade: boolean;
  /** Whether a running subissue workflow uses it. */
  inUse: boolean;
  /** Made (or moved into place) so lately that a subissue starting right now may own it: the list of running
   * workflows ccp read could predate it. */
  recent?: boolean;
  /** Files changed and not committed; commits on no remote branch. Undefined: it is no git checkout (any more). */
  uncommitted?: number;
  unpushed?: number;
  bytes: number;
}

export interface GcDecision {
  path: string;
  remove: boolean;
  reason: string;
  bytes: number;
}

export function planGc(workspaces: WorkspaceFacts[], options: { force?: boolean } = {}): GcDecision[] {
  return workspaces.map((ws) => {
    const decide = (remove: boolean, reason: string): GcDecision => ({ path: ws.path, remove, reason, bytes: ws.bytes });
    if (ws.inUse) return decide(false, `subissue #${ws.subissue} is still running`);
    if (ws.recent) return decide(false, 'made in the last minutes: it may belong to a subissue starting now');
    if (ws.halfMade) return decide(true, 'left half-made by a crash');
    if (ws.uncommitted === undefined || ws.unpushed === undefined) return decide(true, 'not a git checkout');
    const unsaved = [
      ws.unpushed > 0 ? `${ws.unpushed} unpushed commit${ws.unpushed === 1 ? '' : 's'}` : '',
      ws.uncommitted > 0 ? `${ws.uncommitted} uncommitted change${ws.uncommitted === 1 ? '' : 's'}` : '',
    ].filter(Boolean).join(' and ');
    if (unsaved && !options.force) return decide(false, `holds ${unsaved} (ccp gc --force removes it)`);
    return decide(true, unsaved ? `finished; ${unsaved} dropped (--force)` : 'finished, everything pushed');
  });
}

/** "1.2 MB" for a summary line. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
