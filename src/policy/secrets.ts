// What counts as a secret or a protected place, wherever it is asked for, and the folding of look-alike Unicode.
import type { Category } from './types.js';

// Relative to any home (the agent's, /root, /home/*): credentials, keys, tokens, shell histories, browser profiles.
export const HOME_SECRETS = ['.ssh', '.aws', '.config/gh', '.netrc', '.docker', '.gnupg', '.kube', '.git-credentials',
  '.config/git/credentials', '.npmrc', '.yarnrc', '.pypirc', '.cargo/credentials', '.cargo/credentials.toml',
  '.gem/credentials', '.config/gcloud', '.azure', '.terraform.d', '.terraformrc', '.vault-token', '.password-store',
  '.local/share/keyrings', '.pgpass', '.my.cnf', '.claude/.credentials.json', '.claude.json', '.config/hub',
  '.bash_history', '.zsh_history', '.history', '.psql_history', '.mysql_history', '.python_history',
  '.node_repl_history', '.sqlite_history', '.anthropic', '.config/anthropic', '.config/op', '.mozilla',
  '.config/google-chrome', '.config/chromium', '.m2/settings.xml', '.gradle/gradle.properties', '.config/rclone',
  '.s3cfg', '.boto', '.oci', '.config/doctl', '.kaggle', '.huggingface', '.cache/huggingface/token',
  '.config/containers/auth.json', '.config/sops', '.pki', '.smbcredentials', '.msmtprc', '.fetchmailrc',
  '.config/configstore', '.ngrok2', '.config/ngrok', '.wrangler', '.netlify', '.vercel', '.heroku', '.config/stripe',
  '.local/share/recently-used.xbel', '.config/hcloud', '.codex', '.gemini', '.config/github-copilot'];

/** Absolute places: refused for reading and writing, and parents of them for recursive reads. */
export const PROTECTED_ROOTS = ['/etc/shadow', '/etc/gshadow', '/etc/sudoers', '/etc/ssh', '/etc/ssl/private',
  '/etc/krb5.keytab', '/etc/security/opasswd', '/var/run/secrets', '/run/secrets', '/etc/kubernetes', '/etc/rancher',
  '/var/run/docker.sock', '/run/docker.sock', '/run/containerd', '/var/lib/docker', '/root', '/proc/self/environ',
  '/proc/kcore', '/dev/mem', '/dev/kmem', '/dev/port'];

const escapeRe = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const HOME_SECRET = new RegExp(`^(?:/root|/home/[^/]+)/(${HOME_SECRETS.map(escapeRe).join('|')})(?:/|$)`);
const KEY_NAME = /(?:^|\/)(?:id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?|[^/]+\.(?:pem|key|p12|pfx|jks|keystore|kdbx|ppk)|\.htpasswd)$/i;
const PUBLIC_CERTS = /^\/(?:etc\/ssl\/certs|usr\/share\/ca-certificates|etc\/pki\/ca-trust|usr\/lib\/ssl\/certs|etc\/ca-certificates)\//;
const PROC_SECRET = /^\/proc\/[^/]+\/(?:task\/[^/]+\/)?(?:environ|mem|maps|auxv)$/;
const DOT_ENV = /(?:^|\/)\.env(?:\.[^/]*)?$/;

/** Why `absolute` is a secret, or undefined. */
export function secretIn(absolute: string, home: string, worktree: string): string | undefined {
  const inWorktree = absolute === worktree || absolute.startsWith(`${worktree}/`);
  if (!inWorktree) {
    const homeRelative = absolute.startsWith(`${home}/`) ? `/home/agent/${absolute.slice(home.length + 1)}` : absolute;
    const match = HOME_SECRET.exec(homeRelative);
    if (match) return `holds credentials (~/${match[1]})`;
    const root = PROTECTED_ROOTS.find((place) => absolute === place || absolute.startsWith(`${place}/`));
    if (root && root !== '/root') return `is protected (${root})`;
    if (root === '/root' && home !== '/root' && !absolute.startsWith(`${home}/`)) return "is in root's home";
    if (PROC_SECRET.test(absolute)) return "is a process's environment or memory";
    if (DOT_ENV.test(absolute) && !/\.env\.(?:example|sample|template|dist)$/.test(absolute)) {
      return 'is an environment file outside the worktree';
    }
  }
  if (KEY_NAME.test(absolute) && !PUBLIC_CERTS.test(absolute)) return 'is a private key file';
  return undefined;
}

/** The category of a refused write outside the worktree, by what lives there. */
export function writeCategory(absolute: string, home: string): Category {
  const relative = absolute.startsWith(`${home}/`) ? absolute.slice(home.length + 1) : undefined;
  if (relative !== undefined) {
    if (/^(?:\.claude|\.claude\.json|\.config\/claude|\.codex|\.gemini|\.aider)/.test(relative)) return 'agent-settings';
    if (/^(?:\.gitconfig|\.config\/git)(?:\/|$)/.test(relative)) return 'git-config';
    if (/^(?:\.config\/systemd|\.config\/autostart)(?:\/|$)/.test(relative)) return 'scheduling';
  }
  if (/^\/(?:etc\/cron|var\/spool\/cron|etc\/systemd|lib\/systemd|usr\/lib\/systemd|etc\/init\.d|etc\/anacrontab)/.test(absolute)) {
    return 'scheduling';
  }
  if (/^\/etc\/(?:sudoers|passwd|group|shadow|gshadow|pam\.d|security)/.test(absolute)) return 'privilege';
  if (/^\/etc\/gitconfig$/.test(absolute)) return 'git-config';
  return 'outside-worktree';
}

// Letters from other scripts that look like ASCII, and look-alike punctuation; NFKC handles full-width forms.
const CONFUSABLES: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', і: 'i', ј: 'j', ѕ: 's', һ: 'h', ԁ: 'd', ԛ: 'q',
  ԝ: 'w', ɡ: 'g', ο: 'o', α: 'a', ν: 'v', ρ: 'p', ι: 'i', κ: 'k', υ: 'u', ϲ: 'c', ε: 'e', τ: 't', ɑ: 'a', ı: 'i',
  ȷ: 'j', ᴄ: 'c', ᴋ: 'k', ᴍ: 'm', ᴏ: 'o', ᴘ: 'p', ᴛ: 't', ᴜ: 'u', ᴠ: 'v', ᴡ: 'w', ᴢ: 'z',
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', Х: 'X', Ѕ: 'S', І: 'I', Ј: 'J',
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
  '∕': '/', '⁄': '/', '⧸': '/', '╱': '/', '∖': '\\', '․': '.', '‧': '.', '܂': '.', 'ꓸ': '.',
  '‐': '-', '‑': '-', '‒': '-', '–': '-', '—': '-', '−': '-', '˜': '~', '∼': '~', '〜': '~', 'ˉ': '-', 'ǀ': '|',
};
const INVISIBLE = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u206a-\u206f\ufeff]/g;

/** NFKC, invisible characters dropped, look-alikes mapped to ASCII: what a person would read. */
export function skeleton(text: string): string {
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  return [...text.normalize('NFKC').replace(INVISIBLE, '')].map((ch) => CONFUSABLES[ch] ?? ch).join('');
}
