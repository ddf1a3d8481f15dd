// A terminal byte stream (a pane log: what tmux piped out of the agent's pane) as plain text for `ccp logs`: each
// line replayed on a one-line screen — carriage returns, cursor moves along the line (CSI G/C/D) and erase-to-end
// honoured, colours and other sequences dropped — then runs of blank lines squeezed. Pure.

// CSI (colours, cursor moves, erase), OSC (titles, hyperlinks; BEL- or ST-terminated), charset designations, other
// two-byte escapes, or one character.
const TOKEN = /\x1b\[([0-?]*)[ -/]*([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()*+][0-~]|\x1b[@-Z\\-_0-9=<>]|[\s\S]/gu;

export function terminalText(raw: string): string {
  return raw.replace(/\r\n/g, '\n').split('\n').map(replayLine).join('\n').replace(/\n{3,}/g, '\n\n');
}

function replayLine(line: string): string {
  const cells: string[] = [];
  let col = 0;
  for (const match of line.matchAll(TOKEN)) {
    const [token, params, final] = match;
    if (final !== undefined) {
      const n = Math.max(1, Number(params.split(';')[0] || 1));
      if (final === 'G') col = n - 1;
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
  return cells.join('').trimEnd();
}
