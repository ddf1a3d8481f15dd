// Where each value of a JSON text is, by line: errors about a person's JSON file (a plan) name the line to look at.
// Pure; expects text JSON.parse accepted.

/** Line (1-based) of every value by its dotted path ("subissues.1.title"; "" is the whole document). An object's
 * member is at its key's line. */
export function jsonLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let i = 0;
  let line = 1;
  const skipSpace = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) {
      if (text[i] === '\n') line++;
      i++;
    }
  };
  const readString = (): string => {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const join = (path: string, part: string | number) => (path === '' ? String(part) : `${path}.${part}`);
  // Members and elements: `close` ends the list, `item` reads one (after its separator).
  const list = (close: string, item: (index: number) => void) => {
    i++;
    skipSpace();
    for (let index = 0; i < text.length && text[i] !== close; index++) {
      item(index);
      skipSpace();
      if (text[i] === ',') i++;
      skipSpace();
    }
    i++;
  };
  const value = (path: string): void => {
    skipSpace();
    if (!lines.has(path)) lines.set(path, line);
    const c = text[i];
    if (c === '{') {
      list('}', () => {
        skipSpace();
        const keyLine = line;
        const member = join(path, readString());
        lines.set(member, keyLine);
        skipSpace();
        i++; // the colon
        value(member);
      });
    } else if (c === '[') list(']', (index) => value(join(path, index)));
    else if (c === '"') readString();
    else while (i < text.length && !' \t\r\n,]}'.includes(text[i])) i++;
  };
  value('');
  return lines;
}

/** The line of `path`, or of the nearest enclosing value that is there (a missing field: its object's line). */
export function lineOfPath(lines: Map<string, number>, path: Array<string | number>): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const found = lines.get(path.slice(0, n).join('.'));
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Line and column (1-based) of a character offset. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}
