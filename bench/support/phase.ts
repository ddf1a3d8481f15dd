// One ccp run of the compare bench in a process of its own (compare.ts starts it with the run's options as JSON):
// the memory it reports is that run's alone, and a run that breaks leaves the next one a clean process.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { runCcp, type CcpRunOptions } from './ccp-run.js';
import { emitResult } from './emit.js';

// The SDK logs warnings and worse to stderr.
Runtime.install({ logger: new DefaultLogger('WARN', (entry) => console.error(`[${entry.level}] ${entry.message}`, entry.meta ?? '')) });
// A client call retried after the stack's teardown throws in a timer ('Channel has been shut down'): logged, and the
// stop goes on (the servers, pueued and tmux must still be stopped).
process.on('uncaughtException', (err) => console.error(`[bench] uncaught: ${err.stack ?? String(err)}`));
const options = JSON.parse(process.argv[2] ?? '{}') as CcpRunOptions;
await runCcp({ ...options, onResult: emitResult });
// Whatever handle a broken stop left open must not keep the bench waiting.
process.exit(0);
