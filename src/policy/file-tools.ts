// File tools (Claude Code's Write, Edit, Read, Glob, Grep, LS …, and any agent's equivalents): judged by scope on
// the real path; the request handed to the user's rules carries the resolved absolute path.
import { checkPath, resolvePath, type Access, type Scope } from './scopes.js';
import type { Judged } from './command-args.js';
import { ask, type ToolRequest } from './types.js';

const ACCESS: Record<string, Access> = { Write: 'write', Edit: 'write', MultiEdit: 'write', NotebookEdit: 'write',
  Read: 'read', NotebookRead: 'read', LS: 'list', Glob: 'list', Grep: 'recursive' };
export const FILE_TOOLS = new Set(Object.keys(ACCESS));

const FIELDS = ['file_path', 'notebook_path', 'path'];

export function judgeFileTool(request: ToolRequest, scope: Scope): Judged[] {
  const access = ACCESS[request.tool];
  const given = FIELDS.map((field) => request.input[field]).find((v): v is string => typeof v === 'string' && v !== '');
  const defaultsToCwd = request.tool === 'Glob' || request.tool === 'Grep' || request.tool === 'LS';
  if (given === undefined && !defaultsToCwd) {
    return [{ verdict: ask('unknown', `${request.tool} without a path`) }];
  }
  const base = given ?? scope.worktree;
  const out: Judged[] = [];
  const check = (path: string, how: Access, glob = false): void => {
    const verdict = checkPath(path, how, scope, { glob });
    const resolved = resolvePath(path.replace(/\/[^/]*[*?[].*$/, '') || '/', scope.worktree, scope) ?? path;
    out.push({ verdict, request: { tool: request.tool, input: { ...request.input, [FIELDS.find((f) => typeof request.input[f] === 'string') ?? 'path']: resolved } } });
  };
  check(base, access);
  // Glob and Grep patterns can reach further than their path: `**/…` stays below it, `../` or `/abs` does not.
  const pattern = request.input.pattern;
  if (request.tool === 'Glob' && typeof pattern === 'string') {
    check(pattern.startsWith('/') || pattern.startsWith('~') ? pattern : `${base}/${pattern}`, 'list', true);
  }
  const glob = request.input.glob;
  if (request.tool === 'Grep' && typeof glob === 'string' && /(?:^|\/)\.\.(?:\/|$)|^[/~]/.test(glob)) {
    check(glob.startsWith('/') || glob.startsWith('~') ? glob : `${base}/${glob}`, 'recursive', true);
  }
  return out;
}
