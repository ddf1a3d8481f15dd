// A terminal byte stream (a pane log: what tmux piped out of the agent's pane) as plain text for `ccp logs`:
// colour and cursor sequences dropped, carriage-return overwrites resolved, runs of blank lines squeezed. Pure.

// CSI (colours, cursor moves, erase), OSC (titles, hyperlinks; BEL- or ST-terminated), and other two-byte escapes.
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;

export function terminalText(raw: string): string {
  const lines = raw.replace(/\r\n/g, '\n').split('\n').map((line) => {
    // "\r" returns to the start of the line: what was written after it is what stayed visible.
    const parts = line.split('\r').map((p) => p.replace(ESCAPES, ''));
    let visible = '';
    for (const part of parts) visible = part + visible.slice(part.length);
    return visible.trimEnd();
  });
  return lines.join('\n').replace(/\n{3,}/g, '\n\n');
}
