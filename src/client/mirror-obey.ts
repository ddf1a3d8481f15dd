// Commands given in pueue (core/mirror-controls.ts) carried out in ccp through the typed client, as the CLI's would
// be: `pueue pause|start --group` are `ccp pause|resume --group` (or everything), `pueue kill` is `ccp queue requeue`,
// `pueue restart` of a failed task is `ccp queue retry`. One that ccp refuses is logged and undone in pueue by the pass.
import { HOLD_MS, type Hold, type UserCommand } from '../core/mirror-controls.js';
import type { DispatchState, DispatchView } from '../shared/dispatch.js';
import type { ParentStatus } from '../shared/messages.js';
import type { RepoRef } from '../shared/types.js';
import type { FoundSubissue } from './steering.js';

/** What of the typed client (CcpClient) the mirror steers with. */
export interface MirrorSteering {
  pauseGroup(group: string): Promise<DispatchView>;
  resumeGroup(group: string): Promise<DispatchView>;
  pauseAll(): Promise<DispatchView>;
  resumeAll(): Promise<DispatchView>;
  requeue(subissue: number, options: { repo?: RepoRef; found?: FoundSubissue }): Promise<unknown>;
  retry(subissue: number, options: { repo?: RepoRef; found?: FoundSubissue }): Promise<unknown>;
}

export interface Obeyed {
  /** The dispatcher's pauses after the commands, when one changed them. */
  paused?: DispatchState['paused'];
  /** Tasks to leave as they are in pueue while ccp carries their command out. */
  holds: Hold[];
}

function describe(command: UserCommand): string {
  switch (command.do) {
    case 'pause-all': return command.group ? `pueue group ${command.group} paused: ccp pause (everything; its subissues have no ccp group)` : 'every pueue group paused: ccp pause';
    case 'pause-groups': return `pueue group ${command.group} paused: ccp pause --group ${command.ccpGroups.join(', ')}`;
    case 'resume-groups': return `pueue group ${command.group} started: ccp resume ${[...command.ccpGroups.map((g) => `--group ${g}`), ...(command.all ? ['(everything)'] : [])].join(', ')}`;
    case 'requeue': return `${command.label} killed in pueue: ccp queue requeue ${command.subissue}`;
    case 'nothing-to-stop': return `${command.label} killed in pueue after its agent finished: nothing to stop (ccp pushes #${command.subissue}'s branch and opens its PR); pueue shows it running again`;
    case 'retry': return `${command.label} restarted in pueue: ccp queue retry ${command.subissue}`;
  }
}

/** Group commands one after the other (in the order given), then the tasks' at once. `parents`: the statuses the
 * commands were read against (where each subissue lives, not looked up again). */
export async function obeyPueue(ccp: MirrorSteering, commands: readonly UserCommand[], parents: readonly ParentStatus[],
  log: (line: string) => void, nowMs = Date.now()): Promise<Obeyed> {
  const obeyed: Obeyed = { holds: [] };
  const pauses = (view: DispatchView): void => {
    obeyed.paused = view.paused;
  };
  const carryOut = async (command: UserCommand): Promise<void> => {
    try {
      switch (command.do) {
        case 'pause-all': pauses(await ccp.pauseAll()); break;
        case 'pause-groups': for (const group of command.ccpGroups) pauses(await ccp.pauseGroup(group)); break;
        case 'resume-groups':
          for (const group of command.ccpGroups) pauses(await ccp.resumeGroup(group));
          if (command.all) pauses(await ccp.resumeAll());
          break;
        case 'requeue': case 'retry': {
          const options = { repo: command.repo, found: foundIn(parents, command.repo, command.subissue) };
          await (command.do === 'requeue' ? ccp.requeue(command.subissue, options) : ccp.retry(command.subissue, options));
          obeyed.holds.push({ label: command.label, since: command.since, until: nowMs + HOLD_MS });
          break;
        }
        case 'nothing-to-stop': break;
      }
      log(describe(command));
    } catch (err) {
      log(`${describe(command)} — refused, pueue shows ccp's state again: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const onTasks = (c: UserCommand): boolean => c.do === 'requeue' || c.do === 'retry';
  for (const command of commands.filter((c) => !onTasks(c))) await carryOut(command);
  await Promise.all(commands.filter(onTasks).map(carryOut));
  return obeyed;
}

/** The subissue in the parent run that reported on it last (a parent started again has several). */
function foundIn(parents: readonly ParentStatus[], repo: RepoRef, number: number): FoundSubissue | undefined {
  let found: FoundSubissue | undefined;
  for (const parent of parents) {
    if (parent.repo.owner !== repo.owner || parent.repo.repo !== repo.repo) continue;
    const sub = parent.subissues.find((s) => s.number === number);
    if (sub && (!found || sub.updatedAt > found.sub.updatedAt)) found = { parent, sub, key: `${repo.owner}/${repo.repo}#${number}` };
  }
  return found;
}
