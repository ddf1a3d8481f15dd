// The realpath the policy is given (it is pure; this is its one window on the filesystem): resolved the way the
// kernel walks a path, so symlinks and `..` cannot hide where a path really leads.
import { realpathSync } from 'node:fs';
import path from 'node:path';

/** Each existing prefix through realpath, `..` applied after the symlink before it; the part that does not exist
 * yet is resolved lexically. */
export function physicalRealpath(absolute: string): string {
  let current = '/';
  const parts = absolute.split('/').filter((p) => p !== '' && p !== '.');
  for (let i = 0; i < parts.length; i++) {
    const next = parts[i] === '..' ? path.dirname(current) : path.join(current, parts[i]);
    try {
      current = realpathSync(next);
    } catch {
      return path.resolve(next, ...parts.slice(i + 1));
    }
  }
  return current;
}
