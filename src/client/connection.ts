// One connection to Temporal, failing with an error that says what to do when it cannot be made.
import { Client, Connection } from '@temporalio/client';
import type { CcpConfig } from '../config/config.js';
import { UnreachableError } from './errors.js';

export interface TemporalTarget {
  address: string;
  namespace: string;
  /** Appended to "run `ccp up` first" when the server cannot be reached. */
  hint?: string;
}

/** Where ccp's configuration says Temporal is. */
export function temporalTarget(config: CcpConfig): TemporalTarget {
  const { address, namespace, external } = config.temporal;
  return { address, namespace, hint: external ? ' or check CCP_TEMPORAL_ADDRESS' : undefined };
}

export async function connectTemporal(target: TemporalTarget, connectTimeoutMs = 3000): Promise<Client> {
  try {
    const connection = await Connection.connect({ address: target.address, connectTimeout: connectTimeoutMs });
    return new Client({ connection, namespace: target.namespace });
  } catch (err) {
    throw new UnreachableError(
      `cannot reach Temporal at ${target.address}: run \`ccp up\` first${target.hint ?? ''} (${(err as Error).message})`,
      target.address);
  }
}
