// POSIX shell quoting for command lines ccp hands to tmux, pueue and wrapper scripts. Pure.

/** One shell word: plain words stay readable in panes and `pueue status`; anything else is single-quoted. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
