// Network commands: downloads are ordinary, uploads and raw connections are exfiltration, servers must not listen
// on all interfaces, and metadata or private addresses are refused like in WebFetch. Loopback is allowed for
// curl/wget (the agent's own dev server).
import { allow, ask, deny, worst, type PolicyVerdict } from './types.js';
import { checkWord, has, judged, optionValues, parseArgs, value, type Env, type Invocation, type Judged } from './command-args.js';
import { forbiddenHost, parseUrl } from './web.js';

const CURL_VALUES = ['-o', '--output', '-d', '--data', '--data-binary', '--data-raw', '--data-ascii', '--data-urlencode',
  '-F', '--form', '--form-string', '-T', '--upload-file', '-H', '--header', '-X', '--request', '-u', '--user', '-A',
  '--user-agent', '-e', '--referer', '-b', '--cookie', '-c', '--cookie-jar', '-K', '--config', '--json', '-w',
  '--write-out', '-m', '--max-time', '--connect-timeout', '--retry', '-x', '--proxy', '-r', '--range', '-E', '--cert',
  '--key', '--cacert', '--resolve', '--connect-to', '-D', '--dump-header', '--url', '-Y', '-y', '-C', '--limit-rate',
  '--stderr', '--trace', '--trace-ascii', '--unix-socket', '--interface', '-P', '--ftp-port', '-Q', '--quote'];

function curl(inv: Invocation, env: Env): Judged[] {
  const parsed = parseArgs(inv.args, CURL_VALUES);
  const urls = [...parsed.positionals, ...optionValues(parsed, '--url')];
  const verdicts: PolicyVerdict[] = urls.map((word) => remote(word.values ? value(word) : undefined, word.raw, true));
  const local = urls.every((word) => /^this machine/.test(forbiddenHost(parseUrl(value(word) ?? '')?.hostname ?? 'x') ?? ''));
  const sends = parsed.options.filter((o) => /^(?:-d|--data.*|-F|--form.*|-T|--upload-file|--json)$/.test(o.name));
  for (const option of sends) {
    const data = value(option.value) ?? '';
    const file = /^-T|--upload-file/.test(option.name) ? data : /^[@<]/.test(data) ? data.slice(1)
      : /^-F|--form$/.test(option.name) ? /=[@<]([^;]+)/.exec(data)?.[1] : undefined;
    if (file !== undefined && file !== '-') verdicts.push(checkWord({ ...option.value!, values: [file] }, 'read', inv, env));
    if (!local) verdicts.push(deny('exfiltration', `curl ${option.name} sends data to another host; ccp only allows downloads`));
  }
  const method = value(optionValues(parsed, '-X', '--request')[0])?.toUpperCase();
  if (method && !['GET', 'HEAD', 'OPTIONS'].includes(method) && !local) {
    verdicts.push(ask('exfiltration', `curl -X ${method} changes something on another host`));
  }
  if (has(parsed, '-K', '--config', '--unix-socket', '-Q', '--quote')) verdicts.push(ask('unknown', 'curl with a config file, a unix socket or FTP commands'));
  for (const out of optionValues(parsed, '-o', '--output', '-c', '--cookie-jar', '-D', '--dump-header', '--trace', '--stderr')) {
    verdicts.push(checkWord(out, 'write', inv, env));
  }
  if (has(parsed, '-O', '--remote-name', '-J', '--remote-header-name')) verdicts.push(allow('saves into the current directory'));
  for (const file of optionValues(parsed, '-E', '--cert', '--key', '-b', '--cookie')) verdicts.push(checkWord(file, 'read', inv, env));
  return [judged(worst(verdicts, allow('curl downloads')), inv.name, inv.args)];
}

/** A URL for curl/wget: forbidden addresses denied, loopback allowed for curl and wget (dev servers). */
function remote(text: string | undefined, raw: string, loopbackOk: boolean): PolicyVerdict {
  if (text === undefined) return ask('web', `downloads from ${raw}, an address only known at run time`);
  if (/^file:/i.test(text)) return ask('web', 'reads a file: URL; use cat on a worktree path');
  const url = parseUrl(text);
  if (!url) return ask('web', `"${text}" is not a URL ccp can check`);
  const forbidden = forbiddenHost(url.hostname);
  if (forbidden && !(loopbackOk && /^this machine/.test(forbidden))) return deny('web', `${url.hostname} is ${forbidden}`);
  return allow(`downloads from ${url.hostname}`);
}

function wget(inv: Invocation, env: Env): Judged[] {
  const parsed = parseArgs(inv.args, ['-O', '--output-document', '-P', '--directory-prefix', '-o', '--output-file', '-a',
    '--append-output', '-i', '--input-file', '--post-data', '--post-file', '--body-data', '--body-file', '--method', '-U',
    '--header', '--user', '--password', '-e', '--execute', '-T', '-t', '--tries', '--timeout']);
  const verdicts: PolicyVerdict[] = parsed.positionals.map((word) => remote(value(word), word.raw, true));
  const local = parsed.positionals.every((word) => /^this machine/.test(forbiddenHost(parseUrl(value(word) ?? '')?.hostname ?? 'x') ?? ''));
  const upload = parsed.options.find((o) => /^--(?:post-data|post-file|body-data|body-file|method)$/.test(o.name));
  if (upload && !local) verdicts.push(deny('exfiltration', `wget ${upload.name} sends data to another host`));
  for (const file of optionValues(parsed, '--post-file', '--body-file', '-i', '--input-file')) verdicts.push(checkWord(file, 'read', inv, env));
  for (const out of optionValues(parsed, '-O', '--output-document', '-P', '--directory-prefix', '-o', '--output-file', '-a', '--append-output')) {
    if (value(out) !== '-') verdicts.push(checkWord(out, 'write', inv, env));
  }
  if (has(parsed, '-e', '--execute')) verdicts.push(ask('unknown', 'wget -e runs wgetrc commands'));
  return [judged(worst(verdicts, allow('wget downloads')), inv.name, inv.args)];
}

function netcat(inv: Invocation): Judged[] {
  const parsed = parseArgs(inv.args, ['-p', '-s', '-w', '-i', '-q', '-e', '-c', '-x', '-X']);
  if (has(parsed, '-l', '--listen')) return [judged(deny('listening', `${inv.name} -l listens for connections from the network`), inv.name, inv.args)];
  const host = value(parsed.positionals[0]);
  if (has(parsed, '-z') && host !== undefined && /^this machine/.test(forbiddenHost(host) ?? '')) {
    return [judged(allow('checks whether a local port is open'), inv.name, inv.args)];
  }
  return [judged(deny('exfiltration', `${inv.name} opens raw network connections that can send files out`), inv.name, inv.args)];
}

function socat(inv: Invocation): Judged[] {
  const text = inv.args.map((w) => value(w) ?? w.raw).join(' ');
  return [judged(/LISTEN/i.test(text) ? deny('listening', 'socat listens for connections')
    : deny('exfiltration', 'socat relays data to other hosts'), inv.name, inv.args)];
}

const exfil = (reason: string) => (inv: Invocation): Judged[] => [judged(deny('exfiltration', `${inv.name} ${reason}`), inv.name, inv.args)];

function rsync(inv: Invocation, env: Env): Judged[] {
  const parsed = parseArgs(inv.args, ['-e', '--rsh', '--exclude', '--include', '--filter', '-f', '--rsync-path', '--port']);
  if (has(parsed, '-e', '--rsh', '--rsync-path') || parsed.positionals.some((w) => /^[^/]*:|^rsync:\/\//.test(value(w) ?? ':'))) {
    return exfil('copies files to or from another host')(inv);
  }
  const [dest, ...sources] = [...parsed.positionals].reverse();
  const verdicts = [...sources.map((w) => checkWord(w, 'recursive', inv, env)), ...(dest ? [checkWord(dest, 'write', inv, env)] : [])];
  if (has(parsed, '--delete', '--delete-after', '--delete-before', '--delete-during', '--remove-source-files') && dest) {
    verdicts.push(checkWord(dest, 'delete', inv, env));
  }
  return [judged(worst(verdicts, allow('rsync inside the worktree')), inv.name, inv.args)];
}

/** Servers: all interfaces is refused, loopback is fine. */
export function listensEverywhere(args: readonly string[]): boolean {
  return args.some((arg, i) => /(?:^|[=:/\s])(?:0\.0\.0\.0|\[?::\]?|\*)(?::\d+)?$/.test(arg) && (i > 0 || arg.includes('0.0.0.0'))
    || arg === '--host' && (args[i + 1] === undefined || args[i + 1].startsWith('-'))
    || /^--(?:host|bind|ip|listen|address|hostname)=?$/.test(arg) && /^(?:0\.0\.0\.0|::|\*|\[::\])$/.test(args[i + 1] ?? ''));
}

function tunnel(inv: Invocation): Judged[] {
  return [judged(deny('listening', `${inv.name} exposes this machine to the internet`), inv.name, inv.args)];
}

export const NET_JUDGES = {
  curl, wget, nc: netcat, ncat: netcat, netcat: netcat, socat, rsync,
  telnet: exfil('opens raw network connections'), ssh: exfil('runs commands on or tunnels to another host'),
  scp: exfil('copies files to another host'), sftp: exfil('copies files to another host'),
  ftp: exfil('copies files to another host'), lftp: exfil('copies files to another host'), tftp: exfil('copies files to another host'),
  sendmail: exfil('sends mail'), mail: exfil('sends mail'), mailx: exfil('sends mail'), mutt: exfil('sends mail'),
  'ssh-copy-id': exfil('installs keys on another host'), sshpass: exfil('logs in to another host'),
  'ssh-keygen': (inv: Invocation) => [judged(deny('secrets', 'ssh-keygen creates or reads SSH keys'), inv.name, inv.args)],
  'ssh-add': (inv: Invocation) => [judged(deny('secrets', 'ssh-add loads SSH keys'), inv.name, inv.args)],
  'ssh-agent': (inv: Invocation) => [judged(deny('secrets', 'ssh-agent holds SSH keys'), inv.name, inv.args)],
  ngrok: tunnel, cloudflared: tunnel, lt: tunnel, localtunnel: tunnel, 'bore': tunnel, tailscale: tunnel,
  openssl: (inv: Invocation) => [judged(/^s_(?:client|server)$/.test(value(inv.args[0]) ?? '')
    ? deny('exfiltration', 'openssl s_client/s_server opens network connections') : ask('unknown', 'openssl may read keys'), inv.name, inv.args)],
  aws: exfil('talks to a cloud account'), gcloud: exfil('talks to a cloud account'), az: exfil('talks to a cloud account'),
  gsutil: exfil('copies files to a cloud bucket'), rclone: exfil('copies files to remote storage'), s3cmd: exfil('copies files to a cloud bucket'),
};
