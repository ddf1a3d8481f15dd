// The tool use behind a Claude Code permission dialog, for agents run without ccp's hook (the pane watcher then
// answers tool dialogs by key): the hook's exact input when it fits, else what the screen shows. Pure.
import type { ToolRequest } from '../../policy/types.js';
import type { Dialog } from './dialogs.js';

// Dialog titles Claude Code draws for each tool, for when the hook's exact input is missing.
const TITLE_TOOLS: Array<[RegExp, string, string]> = [
  [/^Bash command/i, 'Bash', 'command'],
  [/^(?:Create|Write|Overwrite) file/i, 'Write', 'file_path'],
  [/^Edit (?:file|notebook)/i, 'Edit', 'file_path'],
  [/^Read file/i, 'Read', 'file_path'],
  [/^Fetch/i, 'WebFetch', 'url'],
];
const FAMILIES = [['Bash'], ['Write', 'Edit', 'MultiEdit', 'NotebookEdit'], ['Read', 'Glob', 'Grep', 'LS'], ['WebFetch']];

/**
 * The tool use behind a dialog: the hook's exact one when it fits the dialog on screen (same kind of tool), else
 * what the screen shows (commands and paths there may be wrapped or shortened).
 */
export function toolRequest(dialog: Dialog, exact?: ToolRequest): ToolRequest {
  const byTitle = TITLE_TOOLS.find(([title]) => title.test(dialog.title));
  if (exact && (!byTitle || sameFamily(byTitle[1], exact.tool))) return exact;
  if (!byTitle) return { tool: '', input: {} };
  return { tool: byTitle[1], input: { [byTitle[2]]: dialog.subject } };
}

const sameFamily = (a: string, b: string): boolean =>
  a === b || FAMILIES.some((family) => family.includes(a) && family.includes(b));
