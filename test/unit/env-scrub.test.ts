import { isSecretName, redactSecrets, REDACTED, scrubEnv } from '../../src/core/env-scrub.js';

describe('isSecretName', () => {
  it.each([
    'GITHUB_TOKEN', 'GH_TOKEN', 'ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'AWS_ACCESS_KEY_ID', 'AWS_REGION',
    'NPM_TOKEN', 'client_secret', 'PGPASSWORD', 'DB_PASS', 'MYSQL_PWD', 'GOOGLE_APPLICATION_CREDENTIALS',
    'SESSION_COOKIE', 'AWS_SESSION_TOKEN', 'apiKey', 'githubToken', 'SSH_AUTH_SOCK', 'GPG_KEY', 'xdg_session_id',
  ])('%s is secret', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each([
    'PATH', 'HOME', 'LANG', 'LC_ALL', 'TERM', 'USER', 'SHELL', 'TZ', 'PWD', 'OLDPWD', 'GIT_AUTHOR_NAME', 'KEYBOARD',
    'PASSENGER_COUNT', 'EDITOR', 'NODE_OPTIONS',
  ])('%s is not secret', (name) => {
    expect(isSecretName(name)).toBe(false);
  });
});

describe('scrubEnv', () => {
  const env = {
    PATH: '/usr/bin:/bin', HOME: '/home/me', LANG: 'C.UTF-8', TERM: 'xterm', EDITOR: 'vim', TZ: undefined,
    GITHUB_TOKEN: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', ANTHROPIC_API_KEY: 'sk-ant-test-123456',
  };

  it('keeps only the default names that are set', () => {
    expect(scrubEnv(env)).toEqual({ PATH: '/usr/bin:/bin', HOME: '/home/me', LANG: 'C.UTF-8', TERM: 'xterm' });
  });

  it('never keeps a secret-named variable, even when asked to', () => {
    expect(scrubEnv(env, ['PATH', 'GITHUB_TOKEN', 'EDITOR'])).toEqual({ PATH: '/usr/bin:/bin', EDITOR: 'vim' });
  });
});

describe('redactSecrets', () => {
  const env = {
    GITHUB_TOKEN: 'tok-123456789', ANTHROPIC_API_KEY: 'sk-ant-abc', DB_PASS: 'short',
    LONG_SECRET: 'tok-123456789-and-more', HOME: '/home/me',
  };

  it('replaces the values of secret-named variables, longest first', () => {
    const text = 'a tok-123456789 b tok-123456789-and-more c tok-123456789';
    expect(redactSecrets(text, env)).toBe(`a ${REDACTED} b ${REDACTED} c ${REDACTED}`);
  });

  it('leaves short values and public variables alone', () => {
    expect(redactSecrets('pass=short home=/home/me', env)).toBe('pass=short home=/home/me');
  });

  it('redacts well-known token shapes and URL credentials', () => {
    const text = 'push https://x-access-token:abcdef@github.com/o/r.git with ghp_0123456789abcdefghijABCDEFGHIJ';
    expect(redactSecrets(text, {})).toBe(`push https://${REDACTED}@github.com/o/r.git with ${REDACTED}`);
  });

  it('returns text without secrets unchanged', () => {
    expect(redactSecrets('nothing to see', env)).toBe('nothing to see');
  });
});
