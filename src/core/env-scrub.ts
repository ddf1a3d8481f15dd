// Keeps secrets out of what ccp hands to other programs and writes down: pueue stores the adding client's whole
// environment in its state file, and command errors end up in logs and GitHub comments. Pure.

export type Env = Record<string, string | undefined>;

export const DEFAULT_KEPT_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TERM', 'USER', 'SHELL', 'TZ'] as const;

// Unambiguous anywhere in a name, also glued to other words (GITHUBTOKEN, apiKey, PGPASSWORD).
const SECRET_SUBSTRINGS = ['TOKEN', 'SECRET', 'PASSWORD', 'PASSWD', 'PASSPHRASE', 'CREDENTIAL', 'COOKIE', 'APIKEY'];
// Short words that only count as a whole `_`-separated part, so GIT_AUTHOR_NAME, KEYBOARD or PASSENGER stay public.
const SECRET_PARTS = new Set(['KEY', 'KEYS', 'PASS', 'AUTH', 'SESSION', 'PWD']);
const SECRET_PREFIXES = ['AWS_'];

/** True when an environment variable's name says its value is (or may be) a secret. Case-insensitive. */
export function isSecretName(name: string): boolean {
  const upper = name.toUpperCase();
  if (SECRET_PREFIXES.some((prefix) => upper.startsWith(prefix))) return true;
  if (SECRET_SUBSTRINGS.some((word) => upper.includes(word))) return true;
  const parts = upper.split(/[^A-Z0-9]+/).filter(Boolean);
  // PWD alone is the working directory; only MYSQL_PWD and the like are passwords.
  return parts.some((part) => SECRET_PARTS.has(part) && !(part === 'PWD' && parts.length === 1));
}

/** A minimal environment: only the `keep` names that are set and are not secret-named. */
export function scrubEnv(env: Env, keep: readonly string[] = DEFAULT_KEPT_ENV): Record<string, string> {
  const scrubbed: Record<string, string> = {};
  for (const name of keep) {
    const value = env[name];
    if (value !== undefined && !isSecretName(name)) scrubbed[name] = value;
  }
  return scrubbed;
}

export const REDACTED = '***';
const MIN_SECRET_LENGTH = 6;

// Well-known credential shapes, redacted even when they did not come from this process's environment.
const SECRET_PATTERNS: readonly RegExp[] = [
  /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bsk-ant-[A-Za-z0-9_-]{6,}/g,
];
// user:password@ in URLs (git remotes carrying a token).
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi;

/**
 * Replaces in `text` the values (≥ 6 characters) of secret-named variables of `env`, well-known token shapes
 * (ghp_…, github_pat_…, sk-ant-…) and credentials inside URLs with `***`.
 */
export function redactSecrets(text: string, env: Env): string {
  const values = Object.entries(env)
    .filter(([name, value]) => value !== undefined && value.length >= MIN_SECRET_LENGTH && isSecretName(name))
    .map(([, value]) => value as string)
    // Longest first, so a secret containing another one is replaced whole.
    .sort((a, b) => b.length - a.length);
  let redacted = text;
  for (const value of values) redacted = redacted.split(value).join(REDACTED);
  for (const pattern of SECRET_PATTERNS) redacted = redacted.replace(pattern, REDACTED);
  return redacted.replace(URL_CREDENTIALS, `$1${REDACTED}@`);
}
