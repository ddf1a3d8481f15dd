// Typed CLI failures and the exit codes they map to, in the spirit of `gh`: 0 ok, 1 failed, 2 usage error,
// 4 authentication. Scripts driving ccp at night branch on these.
import { GitHubError } from '../adapters/github.js';
import { CcpClientError } from '../client/errors.js';
import { ConfigError } from '../config/config.js';
import { PolicyError } from '../policy/policy-document.js';
import { WhenError } from '../core/when.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, auth: 4 } as const;

export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.failed) {
    super(message);
    this.name = 'CliError';
  }
}

/** The input as given cannot work (a bad number, an issue that is not one ccp may take): exit 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = 'UsageError';
  }
}

/** The GitHub token is missing or refused: exit 4. */
export class AuthError extends CliError {
  constructor(message: string) {
    super(message, EXIT.auth);
    this.name = 'AuthError';
  }
}

/** The exit code for any error that reaches the top of the CLI. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof GitHubError && err.status === 401) return EXIT.auth;
  if (err instanceof ConfigError) return /GitHub token|GITHUB_TOKEN/.test(err.message) ? EXIT.auth : EXIT.usage;
  if (err instanceof PolicyError || err instanceof WhenError) return EXIT.usage;
  // Not found, refused, Temporal unreachable: the request was well-formed and failed.
  if (err instanceof CcpClientError) return EXIT.failed;
  return EXIT.failed;
}

/** What the CLI prints for a failure: plain text, or with `--json` one JSON object (on stderr). */
export function renderError(err: unknown, json: boolean): string {
  const message = err instanceof Error ? err.message : String(err);
  if (!json) return `ccp: ${message}`;
  const kind = err instanceof Error ? err.name : 'Error';
  return JSON.stringify({ error: { message, kind, exitCode: exitCodeOf(err) } });
}
