// Where ccp finds its external binaries: the versioned tools cache filled by scripts/install-tools.sh.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';

export function toolsBinDir(env: NodeJS.ProcessEnv = process.env): string {
  const root = env.CCP_TOOLS_DIR ?? path.join(homedir(), '.cache', 'ccp', 'tools');
  return path.join(root, 'bin');
}

/** Absolute path of `name` from the tools cache, else the bare name (looked up on PATH). */
export function toolPath(name: 'temporal' | 'temporal-test-server' | 'pueue' | 'pueued', env: NodeJS.ProcessEnv = process.env): string {
  const candidate = path.join(toolsBinDir(env), name);
  return existsSync(candidate) ? candidate : name;
}

/**
 * The pinned Claude Code native binary from node_modules. Resolved directly from the platform package, so it works
 * whether or not npm ran the wrapper's postinstall (npm 11 may skip install scripts).
 */
export function claudeCodeBinary(): string {
  const require = createRequire(import.meta.url);
  const platformPackage = `@anthropic-ai/claude-code-${process.platform}-${process.arch}`;
  try {
    const manifest = require.resolve(`${platformPackage}/package.json`);
    const binary = path.join(path.dirname(manifest), 'claude');
    if (existsSync(binary)) return binary;
  } catch {
    // fall through to the wrapper package
  }
  const wrapper = require.resolve('@anthropic-ai/claude-code/package.json');
  return path.join(path.dirname(wrapper), 'bin', 'claude.exe');
}
