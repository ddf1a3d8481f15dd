// Temporal client for the CLI (and the demo): connects to the configured server with a clear error.
import type { Client } from '@temporalio/client';
import { CcpClient } from '../client/ccp-client.js';
import { connectTemporal, temporalTarget } from '../client/connection.js';
import type { CcpConfig } from '../config/config.js';

export function connectClient(config: CcpConfig): Promise<Client> {
  return connectTemporal(temporalTarget(config));
}

/** The ccp client over the configured server: what the steering, status and approval commands call. */
export function connectCcp(config: CcpConfig): Promise<CcpClient> {
  return CcpClient.connect({ config });
}
