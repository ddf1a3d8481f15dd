// Reads Claude Code's interactive dialogs (tool permission, folder trust, API key, the usage-limit menu) from a
// captured pane screen, and computes the keys that pick an option by its text. Pure: the pane watcher captures and
// sends; this only reads.

export type DialogKind = 'tool' | 'trust' | 'api-key' | 'usage-limit' | 'unknown';

export interface DialogOption {
  /** The digit shown before the text ("1. Yes"); undefined for unnumbered menus (trust, API key on 2.1.329). */
  number?: number;
  text: string;
  /** The row the ❯ pointer is on. */
  selected: boolean;
}

export interface Dialog {
  kind: DialogKind;
  /** "Bash command", "Create file", "Edit file", "Accessing workspace", … */
  title: string;
  /** The command, path or folder the dialog is about. */
  subject: string;
  options: DialogOption[];
  /** Trust dialog: the warning it shows about project hooks or MCP servers. */
  warning?: string;
  /** Unknown dialog: its text, for the person asked about it. */
  text?: string;
}

const POINTER = '❯';
// Every dialog ends with this footer ("Esc to cancel · Tab to amend", "Enter to confirm · Esc to cancel"); the idle
// input box and the slash-command menu have none, and the busy line says "esc to interrupt".
const FOOTER = /\bEsc to (cancel|exit)\b/;
const TOP_RULE = /^\s*─{10,}\s*$/;
const INNER_RULE = /^\s*╌{10,}\s*$/;
const NUMBERED = /^\s*(?:❯\s*)?(\d+)\.\s+(.*)$/;

const indentOf = (line: string): number => line.length - line.trimStart().length;

export function detectDialog(screen: string): Dialog | undefined {
  const lines = withoutSidePanel(screen.split('\n').map((line) => line.trimEnd()))
    // Scroll markers of a dialog too tall for its pane sit between the options and the footer.
    .filter((line) => !SCROLL_MARKER.test(line));
  let footer = -1;
  for (let i = lines.length - 1; i >= 0 && footer < 0; i--) if (FOOTER.test(lines[i])) footer = i;
  // Some dialogs (network access outside the sandbox) have no footer: their numbered options end the screen.
  if (footer < 0) footer = lastNumberedPointerRow(lines);
  if (footer < 0) return undefined;

  const block = optionBlock(lines, footer);
  if (!block || !block.options.some((o) => o.selected)) return undefined;
  let top = block.start - 1;
  while (top > 0 && !TOP_RULE.test(lines[top])) top--;
  // No rule above: a narrow pane scrolled it off with the dialog's first lines, and the screen starts inside it.
  const body = lines.slice(top === 0 && !TOP_RULE.test(lines[0]) ? 0 : top + 1, block.start)
    .filter((l) => !TOP_RULE.test(l));
  const text = body.join('\n');
  // A narrow pane scrolls the title off: the first line is then some wrapped text, so known titles are searched.
  const firstLine = body.map((l) => l.trim()).find((l) => KNOWN_TITLE.test(l))
    ?? (BASH_BODY.test(text) && body.filter((l) => INNER_RULE.test(l)).length >= 2 ? 'Bash command' : undefined)
    ?? body.find((l) => l.trim().length > 0)?.trim() ?? '';

  if (/Do you want to use this API key\?|Detected a custom API key/.test(text)) {
    const keyLine = body.find((l) => /^\s*[A-Z_]+_KEY:/.test(l));
    // Only the variable's name: the dialog shows the key's tail, which must not reach approval logs.
    return { kind: 'api-key', title: firstLine, subject: keyLine ? keyLine.trim().split(':')[0] : '',
      options: block.options };
  }
  const workspace = body.findIndex((l) => /Accessing workspace:/.test(l));
  if (workspace >= 0 || /trust this folder/i.test(block.options.map((o) => o.text).join('\n'))) {
    const folder = workspace >= 0 ? body.slice(workspace + 1).find((l) => l.trim().length > 0)?.trim() ?? '' : '';
    const warning = trustWarning(body);
    return { kind: 'trust', title: 'Accessing workspace', subject: folder, options: block.options,
      ...(warning ? { warning } : {}) };
  }
  const answers = block.options.map((o) => o.text);
  // The menu Claude Code opens at a usage limit it will not wait out by itself (`/rate-limit-options`).
  if (answers.some((t) => USAGE_LIMIT_OPTION.test(t))) {
    return { kind: 'usage-limit', title: firstLine, subject: lineWith(body, /hit your|limit/i) ?? '', options: block.options };
  }
  if (answers.some((t) => /^Yes\b/.test(t)) && answers.some((t) => /^No\b/.test(t))
    && (TOOL_QUESTION.test(text) || KNOWN_TITLE.test(firstLine))) {
    return { kind: 'tool', title: firstLine, subject: toolSubject(body, firstLine), options: block.options };
  }
  return { kind: 'unknown', title: firstLine, subject: '', options: block.options,
    text: body.filter((l) => !INNER_RULE.test(l)).join('\n').trim() };
}

// Titles Claude Code draws above its tool prompts.
const KNOWN_TITLE = /^(?:Bash command|(?:Create|Write|Overwrite|Edit|Read) (?:file|notebook)|Fetch|Tool use|Web Search)\b/;
const BASH_BODY = /This command requires approval/;
const TOOL_QUESTION = /Do you want to (?:proceed|make this edit|create|overwrite|allow Claude to)/;
const USAGE_LIMIT_OPTION = /^(?:Stop and wait for (?:the )?limit to reset|Wait here, then continue)/;
const SCROLL_MARKER = /^\s*[↑↓] \d+ more lines?\s*$/;
// The trust dialog's warnings: project hooks and MCP servers run commands as soon as the folder is trusted.
const TRUST_WARNING = /\bhooks?\b|MCP servers?|execute commands|runs commands|⚠/i;

function trustWarning(body: string[]): string | undefined {
  const lines = body.map((l) => l.trim()).filter((l) => TRUST_WARNING.test(l));
  return lines.length > 0 ? lines.join(' ') : undefined;
}

const lineWith = (body: string[], pattern: RegExp): string | undefined => body.map((l) => l.trim()).find((l) => pattern.test(l));

/** The row below a `❯ N.` pointer row's block, when the screen ends in numbered options (no footer). */
function lastNumberedPointerRow(lines: string[]): number {
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i].trim() === '') continue;
    if (!NUMBERED.test(lines[i]) && !/^\s{4,}\S/.test(lines[i])) return -1;
    for (let p = i; p >= 0 && i - p < 8; p--) if (/^\s*❯\s*\d+\.\s/.test(lines[p])) return i + 1;
    return -1;
  }
  return -1;
}

/** The full-screen layout draws a diff panel right of a `│` column: keep what is left of it. */
function withoutSidePanel(lines: string[]): string[] {
  const columns = new Map<number, number>();
  for (const line of lines) {
    const at = line.indexOf('│');
    if (at > 0) columns.set(at, (columns.get(at) ?? 0) + 1);
  }
  const [column, count] = [...columns.entries()].sort((a, b) => b[1] - a[1])[0] ?? [-1, 0];
  if (column < 0 || count < lines.length * 0.4) return lines;
  return lines.map((line) => (line[column] === '│' ? line.slice(0, column).trimEnd() : line));
}

/** The option rows above the footer: numbered rows (with wrapped continuations), or a blank-delimited list. */
function optionBlock(lines: string[], footer: number): { start: number; options: DialogOption[] } | undefined {
  let end = footer - 1;
  while (end >= 0 && lines[end].trim() === '') end--;
  if (end < 0) return undefined;
  const numbered = NUMBERED.test(lines[end]);
  const rows: string[] = [];
  let start = end;
  for (let i = end; i >= 0; i--) {
    const line = lines[i];
    if (line.trim() === '' || TOP_RULE.test(line) || INNER_RULE.test(line)) break;
    if (numbered && !NUMBERED.test(line)) {
      // A wrapped option continues deeper than the digits; the question line above the options does not.
      const digitsIndent = Math.min(...rows.filter((r) => NUMBERED.test(r)).map((r) => indentOf(r.replace(POINTER, ' '))));
      if (indentOf(line) <= digitsIndent + 2) break;
    }
    rows.unshift(line);
    start = i;
  }
  const options: DialogOption[] = [];
  for (const row of rows) {
    const match = numbered ? NUMBERED.exec(row) : undefined;
    const selected = row.trimStart().startsWith(POINTER);
    if (numbered && !match) {
      if (options.length > 0) options[options.length - 1].text += ` ${row.trim()}`;
      continue;
    }
    const text = match ? match[2].trim() : row.trim().replace(new RegExp(`^${POINTER}\\s*`), '');
    options.push({ ...(match ? { number: Number(match[1]) } : {}), text, selected });
  }
  return options.length > 0 ? { start, options } : undefined;
}

/** Bash shows the command between dashed rules (after a tip and a description); file tools show the path first. */
function toolSubject(body: string[], title: string): string {
  const rules = body.map((l, i) => (INNER_RULE.test(l) ? i : -1)).filter((i) => i >= 0);
  if (/command/i.test(title) && rules.length >= 2) {
    return body.slice(rules[0] + 1, rules[1]).map((l) => l.trim()).filter(Boolean).join('\n');
  }
  const titleAt = body.findIndex((l) => l.trim() === title);
  const after = body.slice(titleAt + 1, rules.length > 0 ? rules[0] : undefined)
    .map((l) => l.trim()).filter((l) => l.length > 0 && !l.startsWith('Tip:'));
  return after[0] ?? '';
}

/** The first option whose text equals `text` (case-insensitive), or matches it when it is a RegExp. */
export function findOption(dialog: Dialog, text: string | RegExp): DialogOption | undefined {
  const matches = (o: DialogOption): boolean =>
    typeof text === 'string' ? o.text.trim().toLowerCase() === text.trim().toLowerCase() : text.test(o.text);
  return dialog.options.find(matches);
}

/** Arrow keys that move the ❯ pointer from the selected row to `option`. */
export function arrowsTo(dialog: Dialog, option: DialogOption): string[] {
  const from = dialog.options.findIndex((o) => o.selected);
  const to = dialog.options.indexOf(option);
  if (from < 0 || to < 0) return [];
  return Array<string>(Math.abs(to - from)).fill(to > from ? 'Down' : 'Up');
}

/**
 * Keys that choose the option with this text: its digit when numbered (a digit picks at once), else arrows from the
 * ❯ row then Enter. Undefined when no option matches.
 */
export function keysToChoose(dialog: Dialog, text: string | RegExp): string[] | undefined {
  const option = findOption(dialog, text);
  if (!option) return undefined;
  if (option.number !== undefined) return [String(option.number)];
  return [...arrowsTo(dialog, option), 'Enter'];
}

/** The affirmative option: plain "Yes" first (never "Yes, and don't ask again…"), else the first "Yes…". */
export function yesOption(dialog: Dialog): DialogOption | undefined {
  return findOption(dialog, 'Yes') ?? findOption(dialog, /^Yes\b/);
}

/** The option that accepts: "Yes" for prompts; at a usage limit, waiting in the pane and continuing by itself
 * (else stopping to wait, after which ccp types "continue" at the reset). */
export function acceptOption(dialog: Dialog): DialogOption | undefined {
  if (dialog.kind === 'usage-limit') return findOption(dialog, /^Wait here, then continue/) ?? findOption(dialog, /^Stop and wait/);
  return yesOption(dialog);
}

export function noOption(dialog: Dialog): DialogOption | undefined {
  return findOption(dialog, 'No') ?? findOption(dialog, /^No\b/);
}

/** Two captures show the same dialog (a hook-answered prompt flashes for one poll only). */
export function sameDialog(a: Dialog | undefined, b: Dialog | undefined): boolean {
  if (!a || !b) return false;
  return a.kind === b.kind && a.title === b.title && a.subject === b.subject
    && a.options.map((o) => o.text).join('\n') === b.options.map((o) => o.text).join('\n');
}
