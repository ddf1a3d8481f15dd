// Temporal client for the CLI (and the demo): connects to the configured server with a clear error.
import { Client, Connection } from '@temporalio/client';
import type { CcpConfig } from '../config/config.js';

export async function connectClient(config: CcpConfig): Promise<Client> {
  try {
    const connection = await Connection.connect({ address: config.temporal.address, connectTimeout: 3000 });
    return new Client({ connection, namespace: config.temporal.namespace });
  } catch (err) {
    throw new Error(
      `cannot reach Temporal at ${config.temporal.address}: run \`ccp up\` first` +
        (config.temporal.external ? ' or check CCP_TEMPORAL_ADDRESS' : '') +
        ` (${(err as Error).message})`,
    );
  }
}
