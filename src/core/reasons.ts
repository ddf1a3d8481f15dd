// Failure reasons as people see them in lists (status, dashboard, progress comments): one line, no pane screens,
// bounded length. The whole text stays in `ccp debug` and the workflow's failure. Pure.
const DEFAULT_WIDTH = 160;

export function oneLineReason(text: string, width = DEFAULT_WIDTH): string {
  // An agent failure ends "…; last screen:\n<screen>": the screen is for `ccp debug`, never for a list or GitHub.
  const first = text.split(/; last screen:|\n/)[0].replace(/\s+/g, ' ').trim();
  return first.length > width ? `${first.slice(0, width - 1)}…` : first;
}
