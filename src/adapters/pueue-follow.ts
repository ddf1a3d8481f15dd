// A pueue mirror task's command: `node pueue-follow.js <pane-log-template> <mirror-dir> <label>` (the template's
// `{label}` is the label; tasks show it as `ccp-mirror <label>`, a pueue alias). Prints the agent's pane as text
// while its log grows (so `pueue follow <id>` shows the agent live and `pueue log <id>` keeps it), and ccp's notes
// (`<mirror-dir>/<label>.note`: why it waits); exits with the subissue's result once ccp writes
// `<mirror-dir>/<label>.exit` (first line the code, then a summary). It checks for the exit file BEFORE reading the log, so
// all the agent printed before the result is shown. Run with `exec`, its parent is pueued: it ends with the daemon.
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import { textFollower } from '../core/terminal-text.js';
import { isAlive } from '../stack/processes.js';

const POLL_MS = 250;
const MAX_READ_BYTES = 1 << 20;

const [paneLogTemplate, mirrorDir, label] = process.argv.slice(2);
if (!paneLogTemplate || !mirrorDir || !label) {
  process.stderr.write('usage: pueue-follow.js <pane-log-template> <mirror-dir> <label>\n');
  process.exit(2);
}
const paneLog = paneLogTemplate.split('{label}').join(label);
const exitFile = path.join(mirrorDir, `${label}.exit`);
const noteFile = path.join(mirrorDir, `${label}.note`);
const daemon = process.ppid;

let offset = 0;
let decoder = new StringDecoder('utf8');
let text = textFollower();
let note = '';

const print = (chunk: string): void => {
  if (chunk) process.stdout.write(chunk);
};

function readNew(): void {
  let size: number;
  try {
    size = statSync(paneLog).size;
  } catch {
    return; // no pane yet (the agent has not started on this host)
  }
  if (size < offset) {
    // A new log in its place: start over with it.
    offset = 0;
    decoder = new StringDecoder('utf8');
    text = textFollower();
  }
  if (size === offset) return;
  const fd = openSync(paneLog, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(MAX_READ_BYTES, size - offset));
    while (offset < size) {
      const read = readSync(fd, buffer, 0, Math.min(buffer.length, size - offset), offset);
      if (read <= 0) break;
      offset += read;
      print(text.push(decoder.write(buffer.subarray(0, read))));
    }
  } finally {
    closeSync(fd);
  }
}

function printNote(): void {
  const now = existsSync(noteFile) ? readFileSync(noteFile, 'utf8').trim() : '';
  if (now && now !== note) print(`[ccp] ${now}\n`);
  note = now;
}

for (;;) {
  const finished = existsSync(exitFile);
  readNew();
  printNote();
  if (finished) {
    print(text.push(decoder.end()) + text.end());
    const [first, ...summary] = readFileSync(exitFile, 'utf8').split('\n');
    const code = /^\d+$/.test(first.trim()) && Number(first) <= 255 ? Number(first) : 1;
    if (summary.join('\n').trim()) print(`[ccp] ${summary.join('\n').trim()}\n`);
    process.exitCode = code;
    break;
  }
  if (!isAlive(daemon)) process.exit(1);
  await sleep(POLL_MS);
}
