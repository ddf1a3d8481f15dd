// Client side of the OpenAPI gate: the stand-in asks the worker (openapi-gate-worker.ts) which operation a request
// is and whether it is valid, and to complete and validate each response before it is sent.
import { Worker } from 'node:worker_threads';
import type { Request as OpenApiRequest } from 'openapi-backend';
import type { FillContext } from './schema-fill.js';

export type RequestVerdict =
  | { kind: 'route'; operationId: string; params: Record<string, string>; query: Record<string, string>; body: unknown }
  /** Answered by the gate itself: unknown route (404) or invalid request (422). */
  | { kind: 'reply'; operationId?: string; status: number; body: unknown };

export interface ResponseVerdict {
  /** The reply body completed from the response schema. */
  body: unknown;
  /** Why the reply breaks GitHub's description, if it does. */
  problem?: string;
}

export type GateMessage =
  | { id: number; type: 'request'; request: OpenApiRequest }
  | { id: number; type: 'response'; operationId: string; status: number; body: unknown; fill: FillContext };

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export type GateReply = { id: number; result: RequestVerdict | ResponseVerdict } | { id: number; error: string };

export interface OpenApiGate {
  checkRequest(request: OpenApiRequest): Promise<RequestVerdict>;
  completeResponse(operationId: string, status: number, body: unknown, fill: FillContext): Promise<ResponseVerdict>;
  close(): Promise<void>;
}

export async function startOpenApiGate(): Promise<OpenApiGate> {
  const worker = new Worker(new URL('./openapi-gate-worker.js', import.meta.url));
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  let failure: Error | undefined;

  const failAll = (error: Error) => {
    failure = error;
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  worker.on('error', (error) => failAll(new Error(`OpenAPI gate worker failed: ${error.message}`)));
  worker.on('exit', () => failAll(new Error('OpenAPI gate worker exited')));
  worker.on('message', (reply: GateReply) => {
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if ('error' in reply) waiter?.reject(new Error(`OpenAPI gate: ${reply.error}`));
    else waiter?.resolve(reply.result);
  });
  worker.unref(); // the HTTP server, not this helper, decides how long the process lives

  const ask = <T>(message: WithoutId<GateMessage>) =>
    new Promise<T>((resolve, reject) => {
      if (failure) return reject(failure);
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...message, id });
    });

  return {
    checkRequest: (request) => ask<RequestVerdict>({ type: 'request', request }),
    completeResponse: (operationId, status, body, fill) => ask<ResponseVerdict>({ type: 'response', operationId, status, body, fill }),
    close: async () => {
      await worker.terminate();
    },
  };
}
