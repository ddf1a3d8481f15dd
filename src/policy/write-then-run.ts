// Within one command line: a file written (with text ccp can see) or downloaded, and then run. The text is judged
// as the script it is; a download that is run is refused, since nobody has seen it.
import { judged, value, type Env, type Judged } from './command-args.js';
import { staticOutput } from './command-code.js';
import type { ShellScript } from './shell-parse.js';
import { deny } from './types.js';

const SCRIPT_RUNNERS = /^(?:bash|sh|dash|zsh|ksh|ash|source|\.|python\d?(?:\.\d+)?|node|perl|ruby|php|deno|bun)$/;
const base = (path: string): string => path.replace(/^.*\//, '');

export function writtenThenRun(script: ShellScript, env: Env): Judged[] {
  const written = new Map<string, string | undefined>();
  for (const redirect of script.redirects) {
    const target = value(redirect.target);
    if (!target || !/^(?:>|>>|>\||&>|&>>)$/.test(redirect.op)) continue;
    written.set(base(target), redirect.source ? staticOutput([redirect.source]) : undefined);
  }
  for (const cmd of script.commands) {
    const name = value(cmd.words[0]);
    if (name !== 'curl' && name !== 'wget') continue;
    const words = cmd.words.map((w) => value(w) ?? '');
    words.forEach((word, i) => {
      if (/^(?:-o|--output|-O|--output-document)$/.test(word) && words[i + 1] && !(name === 'curl' && word === '-O')) {
        written.set(base(words[i + 1]), undefined);
      } else if (/^https?:\/\//.test(word)) written.set(base(word.replace(/[?#].*$/, '')), undefined);
    });
  }
  if (written.size === 0) return [];
  const out: Judged[] = [];
  for (const cmd of script.commands) {
    const name = value(cmd.words[0]) ?? '';
    const runs = name.includes('/') ? name : SCRIPT_RUNNERS.test(base(name)) ? value(cmd.words.find((w, i) => i > 0 && !(value(w) ?? '-').startsWith('-'))) : undefined;
    if (!runs || !written.has(base(runs))) continue;
    const text = written.get(base(runs));
    const args = cmd.words.slice(1);
    if (text === undefined) {
      out.push(judged(deny('unknown', `runs ${runs}, written or downloaded in the same command without ccp seeing its text; download, read, then run it separately`), name, args));
    } else if (/^(?:bash|sh|dash|zsh|ksh|ash|source|\.)$/.test(base(name)) || name.includes('/')) {
      out.push(...env.judgeShell(text, cmd.cwd, { ...env, depth: env.depth + 1 }));
    }
  }
  return out;
}
