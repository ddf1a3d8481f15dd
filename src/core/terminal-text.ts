// A terminal byte stream (a pane log: what tmux piped out of the agent's pane) as plain text for `ccp logs` and
// the pueue mirror task: each line replayed on a one-line screen — carriage returns, cursor moves along the line
// (CSI G/C/D) and erase-to-end honoured, a move to another row (a redraw of the screen above or below) starting a
// new line, colours and other sequences dropped — then runs of blank lines squeezed. Pure.

// CSI (colours, cursor moves, erase), OSC (titles, hyperlinks; BEL- or ST-terminated), DCS/APC/PM/SOS strings
// (terminal queries, kitty graphics), charset designations, other two-byte escapes, or one character.
const TOKEN = /\x1b\[([0-?]*)[ -/]*([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[P_^X][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()*+][0-~]|\x1b[@-Z\\-_0-9=<>]|[\s\S]/gu;
// CSI finals that move the cursor to another row: up, down, next/previous line, position, row.
const ROW_MOVES = new Set(['A', 'B', 'E', 'F', 'H', 'f', 'd']);

export function terminalText(raw: string): string {
  return raw.replace(/\r\n/g, '\n').split('\n').flatMap(replayLine).join('\n').replace(/\n{3,}/g, '\n\n');
}

/** The same filter over a stream (a pane log as it grows: the pueue mirror task follows it): `push` a chunk and get
 * the text of the lines it completed, `end` for the last unfinished line. Blank runs are squeezed across chunks. */
export function textFollower(): { push(chunk: string): string; end(): string } {
  let partial = '';
  let blanks = 0;
  const emit = (lines: string[]): string => lines.flatMap(replayLine).filter((line) => {
    blanks = line === '' ? blanks + 1 : 0;
    return blanks < 2;
  }).map((line) => `${line}\n`).join('');
  return {
    push(chunk) {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      return emit(lines);
    },
    end() {
      const last = partial;
      partial = '';
      return last === '' ? '' : emit([last]);
    },
  };
}

/** One line of the byte stream as the rows it wrote: usually one; more when it moved to other rows on the way. */
function replayLine(line: string): string[] {
  const rows: string[] = [];
  let cells: string[] = [];
  let col = 0;
  const endRow = (): void => {
    const text = cells.join('').trimEnd();
    if (text !== '') rows.push(text);
    cells = [];
  };
  for (const match of line.matchAll(TOKEN)) {
    const [token, params, final] = match;
    if (final !== undefined) {
      const n = Math.max(1, Number(params.split(';')[0] || 1));
      if (ROW_MOVES.has(final)) {
        endRow();
        if (final === 'E' || final === 'F') col = 0;
        else if (final === 'H' || final === 'f') col = Math.max(1, Number(params.split(';')[1] || 1)) - 1;
      } else if (final === 'G') col = n - 1;
      else if (final === 'C') col += n;
      else if (final === 'D') col = Math.max(0, col - n);
      else if (final === 'K' && (params === '' || params === '0')) cells.length = Math.min(cells.length, col);
      continue;
    }
    if (token === '\r') col = 0;
    else if (token === '\t') col = (Math.floor(col / 8) + 1) * 8;
    else if (token.length === 1 && /[\x00-\x1f\x7f]/.test(token)) continue;
    else if (!token.startsWith('\x1b')) {
      while (cells.length < col) cells.push(' ');
      cells[col++] = token;
    }
  }
  // A line that only moved about adds nothing; one that wrote nothing at all stays a blank line.
  if (rows.length === 0) return [cells.join('').trimEnd()];
  endRow();
  return rows;
}
