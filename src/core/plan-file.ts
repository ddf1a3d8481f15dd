// A plan a person wrote or edited (`ccp start 123 --plan plan.json`): JSON, checked with the analyzer's rules
// (src/core/plan.ts) plus unknown fields, each problem named by its field and line. Pure: the caller reads the file.
import type { Plan } from '../shared/types.js';
import { jsonLines, lineOfPath, positionOf } from './json-lines.js';
import { PlanError, planProblems } from './plan.js';

export class PlanFileError extends PlanError {
  constructor(message: string) {
    super(message);
    this.name = 'PlanFileError';
  }
}

/** The plan in `text` (the file `name`), defaults filled in; throws PlanFileError listing every problem. */
export function parsePlanFile(text: string, name: string): Plan {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (err) {
    throw new PlanFileError(`${name}${syntaxErrorAt(text, err as Error)}: not valid JSON (${cleanSyntaxError(err as Error)})`);
  }
  const { plan, problems } = planProblems(input, { strict: true });
  if (plan) return plan;
  const lines = jsonLines(text);
  // In file order, as a person fixes them.
  const located = problems.map((p) => ({ line: lineOfPath(lines, p.path), message: p.message }))
    .sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity))
    .map(({ line, message }) => `  ${line === undefined ? '' : `line ${line}: `}${message}`);
  throw new PlanFileError([`${name} is not a plan ccp can use:`, ...located].join('\n'));
}

// V8 says "… in JSON at position 42", newer versions add "(line 3 column 5)": ccp says the line itself, once.
function syntaxErrorAt(text: string, err: Error): string {
  const at = /at position (\d+)/.exec(err.message);
  if (!at) return '';
  const { line, column } = positionOf(text, Number(at[1]));
  return ` line ${line}, column ${column}`;
}

function cleanSyntaxError(err: Error): string {
  return err.message.replace(/ in JSON at position \d+( \(line \d+ column \d+\))?/, '');
}
