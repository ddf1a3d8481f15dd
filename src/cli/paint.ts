// Colour for people at a terminal; none when piped, in --json, or with NO_COLOR (https://no-color.org). Pure.
const CODES = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;
export type Colour = keyof typeof CODES;
export type Paint = (colour: Colour, text: string) => string;

export const noPaint: Paint = (_colour, text) => text;

export function ansiPaint(): Paint {
  return (colour, text) => `\x1b[${CODES[colour]}m${text}\x1b[0m`;
}

/** Colour when stdout is a terminal and NO_COLOR is unset (or empty). */
export function paintFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Paint {
  return stream.isTTY && !env.NO_COLOR ? ansiPaint() : noPaint;
}

const PHASE_COLOURS: Record<string, Colour> = {
  failed: 'red', blocked: 'red', stopped: 'dim', merged: 'green', closed: 'green', 'NEEDS-YOU': 'yellow',
};

/** A phase word, padded first (so columns line up whatever the escape codes). */
export function paintPhase(paint: Paint, phase: string, width: number): string {
  const padded = phase.padEnd(width);
  const colour = PHASE_COLOURS[phase];
  return colour ? paint(colour, padded) : padded;
}
