// The spawn server: a small Node process the worker starts once (run-command.ts) to fork its tmux, git and pueue
// commands, because forking the big worker process copies its large page table each time and stalls its main thread.
// Protocol, one JSON object a line: in {run: RunRequest} or {kill: id, signal}; out {ready: true} once, then one
// RunResult per run. Requests carry their whole env: never log them.
// It ends when its stdin closes (the worker exited, however it died), stopping what it still runs, like execa's
// cleanup did in the worker.
import { startChild, type RunningChild, type RunRequest } from './spawn-child.js';

const running = new Map<number, RunningChild>();
let buffered = '';

const send = (message: object): void => {
  process.stdout.write(`${JSON.stringify(message)}\n`);
};

const handle = (line: string): void => {
  const message = JSON.parse(line) as { run?: RunRequest; kill?: number; signal?: NodeJS.Signals };
  if (message.run) {
    const request = message.run;
    const child = startChild(request);
    running.set(request.id, child);
    void child.done.then((result) => {
      running.delete(request.id);
      send(result);
    });
  } else if (message.kill !== undefined) {
    running.get(message.kill)?.kill(message.signal ?? 'SIGTERM');
  }
};

const stopAll = (): never => {
  for (const child of running.values()) child.kill('SIGTERM');
  process.exit(0);
};

// Ctrl-C reaches the worker's whole process group: the worker shuts down gracefully and still needs its commands run.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', stopAll);
// The worker gone: nobody reads what we write.
process.stdout.on('error', stopAll);
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  buffered += chunk;
  for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
    const line = buffered.slice(0, end);
    buffered = buffered.slice(end + 1);
    if (line.trim()) handle(line);
  }
});
process.stdin.on('end', stopAll);
send({ ready: true });
