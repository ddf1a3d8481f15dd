// Web access: documentation hosts are allowed (the list is exported for the sandbox's network allowlist), cloud
// metadata, loopback and private addresses are refused however they are spelled (decimal, hex, octal, IPv6-mapped
// — the WHATWG URL parser normalizes them), other hosts are asked about.
import { allow, ask, deny, type PolicyVerdict } from './types.js';

/** Documentation hosts; `*.x` covers x's subdomains. */
export const DOC_HOSTS: readonly string[] = ['docs.python.org', 'peps.python.org', 'packaging.python.org', 'python.org',
  'www.python.org', 'pip.pypa.io', 'setuptools.pypa.io', 'pypi.org', 'developer.mozilla.org', 'nodejs.org',
  'npmjs.com', 'www.npmjs.com', 'docs.npmjs.com', 'docs.rs', 'doc.rust-lang.org', 'www.rust-lang.org', 'crates.io',
  'lib.rs', 'go.dev', 'pkg.go.dev', 'golang.org', 'docs.github.com', 'github.com', 'docs.gitlab.com',
  '*.readthedocs.io', 'readthedocs.org', 'stackoverflow.com', '*.stackexchange.com', 'superuser.com', 'serverfault.com',
  'askubuntu.com', 'www.typescriptlang.org', 'typescriptlang.org', 'react.dev', 'vuejs.org', 'angular.dev',
  'nextjs.org', 'svelte.dev', 'docs.djangoproject.com', '*.palletsprojects.com', 'fastapi.tiangolo.com',
  'docs.pydantic.dev', 'numpy.org', 'pandas.pydata.org', 'docs.scipy.org', 'matplotlib.org', 'pytorch.org',
  'docs.pytest.org', 'docs.sqlalchemy.org', 'docs.astral.sh', 'jestjs.io', 'vitest.dev', 'eslint.org',
  'typescript-eslint.io', 'prettier.io', 'webpack.js.org', 'vite.dev', 'vitejs.dev', 'esbuild.github.io',
  'tailwindcss.com', 'expressjs.com', 'yarnpkg.com', 'pnpm.io', 'bun.sh', 'docs.deno.com', 'deno.land',
  'kotlinlang.org', 'docs.gradle.org', 'maven.apache.org', 'docs.spring.io', 'docs.oracle.com', 'learn.microsoft.com',
  'ruby-doc.org', 'rubygems.org', 'guides.rubyonrails.org', 'api.rubyonrails.org', 'www.php.net', 'php.net',
  'git-scm.com', 'man7.org', 'www.man7.org', 'en.cppreference.com', 'cppreference.com', 'cmake.org', 'llvm.org',
  'clang.llvm.org', 'gcc.gnu.org', 'www.gnu.org', 'sqlite.org', 'www.sqlite.org', 'www.postgresql.org',
  'dev.mysql.com', 'redis.io', 'json-schema.org', 'yaml.org', 'toml.io', 'semver.org', 'graphql.org', 'web.dev',
  'caniuse.com', 'www.w3.org', 'html.spec.whatwg.org', '*.whatwg.org', 'tc39.es', 'www.rfc-editor.org',
  'datatracker.ietf.org', 'docs.docker.com', 'kubernetes.io', 'docs.temporal.io', 'docs.anthropic.com',
  'docs.claude.com', 'tokio.rs', 'serde.rs', 'wiki.archlinux.org', 'opentelemetry.io', 'nodejs.dev', 'devdocs.io',
  'javascript.info', 'docs.oasis-open.org', 'www.typescriptlang.org'];

const METADATA_HOSTS = /^(?:metadata(?:\.google\.internal)?|metadata\.goog|instance-data(?:\.ec2\.internal)?|metadata\.azure\.com|169\.254\.169\.254|100\.100\.100\.200)\.?$/;
// Wildcard-DNS services that resolve a name to the address written in it.
const REBINDING = /(?:^|\.)(?:nip\.io|sslip\.io|xip\.io|localtest\.me|lvh\.me|vcap\.me|lacolhost\.com|127-0-0-1\.\w+|localhost\.\w+|1u\.ms|rbndr\.us)\.?$/;

export function hostMatches(host: string, pattern: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  const p = pattern.toLowerCase();
  return p.startsWith('*.') ? h.endsWith(p.slice(1)) || h === p.slice(2) : h === p;
}

/** Why a host is refused (metadata, loopback, private), or undefined for a public name or address. */
export function forbiddenHost(hostname: string): string | undefined {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (METADATA_HOSTS.test(host) || host === 'fd00:ec2::254') return 'the cloud metadata service, which hands out credentials';
  if (host === 'localhost' || host.endsWith('.localhost') || host === '0' || host === '') return 'this machine (loopback)';
  if (/\.(?:internal|local|localdomain|lan|home|corp|intranet)$/.test(host)) return 'a private network name';
  if (REBINDING.test(host)) return 'a DNS name that resolves to an address written in it';
  const v4 = ipv4(host);
  if (v4) return privateV4(v4);
  if (host.includes(':')) return privateV6(host);
  return undefined;
}

/** Dotted, decimal, hex and octal forms (inet_aton), for hosts the URL parser did not see. */
function ipv4(host: string): number[] | undefined {
  const parts = host.split('.');
  if (parts.length > 4 || !parts.every((p) => /^(?:0x[0-9a-f]*|0[0-7]*|[1-9]\d*)$/i.test(p))) return undefined;
  const nums = parts.map((p) => (/^0x/i.test(p) ? parseInt(p.slice(2) || '0', 16) : /^0\d/.test(p) ? parseInt(p, 8) : Number(p)));
  const last = nums.pop() ?? 0;
  const bytes = [...nums];
  const remaining = 4 - nums.length;
  if (nums.some((n) => n > 255) || last >= 256 ** remaining) return undefined;
  for (let k = remaining - 1; k >= 0; k--) bytes.push(Math.floor(last / 256 ** k) % 256);
  return bytes;
}

function privateV4([a, b, c]: number[]): string | undefined {
  if (a === 169 && b === 254) return a === 169 && b === 254 && c === 169 ? 'the cloud metadata service, which hands out credentials' : 'a link-local address';
  if (a === 127 || a === 0) return 'this machine (loopback)';
  if (a === 10 || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168)) return 'a private network address';
  if ((a === 100 && b >= 64 && b < 128) || (a === 198 && (b === 18 || b === 19)) || (a === 192 && b === 0 && c === 0)) {
    return 'a private network address';
  }
  if (a >= 224) return 'a multicast or reserved address';
  return undefined;
}

function privateV6(host: string): string | undefined {
  const mapped = /^(?:0*:)*:?(?:ffff:)?(?:0+:)?(\d+\.\d+\.\d+\.\d+)$/.exec(host) ?? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
  if (mapped) return privateV4(mapped[1].split('.').map(Number)) ?? undefined;
  const hexMapped = /^(?:::ffff:|::|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (hexMapped) {
    const hi = parseInt(hexMapped[1], 16);
    const lo = parseInt(hexMapped[2], 16);
    return privateV4([hi >> 8, hi & 255, lo >> 8, lo & 255]);
  }
  if (host === '::1' || host === '::' || /^0*(?::0*)*:0*1$/.test(host)) return 'this machine (loopback)';
  if (/^f[cd][0-9a-f]{0,2}:/.test(host)) return 'a private network address';
  if (/^fe[89ab][0-9a-f]?:/.test(host)) return 'a link-local address';
  if (/^ff/.test(host)) return 'a multicast address';
  return undefined;
}

export interface ParsedUrl { protocol: string; hostname: string }

export function parseUrl(text: string): ParsedUrl | undefined {
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `https://${text}`);
    return { protocol: url.protocol, hostname: url.hostname };
  } catch {
    return undefined;
  }
}

/** WebFetch: documentation hosts allowed, forbidden addresses denied, the rest asked about. */
export function judgeUrl(text: string, extraHosts: readonly string[] = []): PolicyVerdict {
  const url = parseUrl(text);
  if (!url) return deny('web', `"${text}" is not a URL ccp can check`);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return deny('web', `fetches ${url.protocol} URLs; only http(s) is allowed`);
  const forbidden = forbiddenHost(url.hostname);
  if (forbidden) return deny('web', `${url.hostname} is ${forbidden}`);
  if ([...DOC_HOSTS, ...extraHosts].some((pattern) => hostMatches(url.hostname, pattern))) {
    return allow(`${url.hostname} is a documentation host`, 'benign');
  }
  return ask('web', `${url.hostname} is not on the documentation allowlist`);
}
