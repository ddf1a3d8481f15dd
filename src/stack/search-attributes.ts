// ccp's search attributes on the server (src/shared/visibility.ts defines them). A workflow that sets one the
// namespace does not know fails every workflow task, so nothing of ccp runs before they are there: the dev server
// registers them at start (`--search-attribute`), `ccp up` adds any its own server lacks (one started by an older
// ccp), and on an external cluster `ccp up` and the worker refuse to start with the commands that create them.
import type { SearchAttributeType } from '@temporalio/common';
import type { CcpConfig } from '../config/config.js';
import { CCP_SEARCH_ATTRIBUTE_KEYS, type CcpSearchAttributeKey } from '../shared/visibility.js';

/** The temporal CLI's names of the types, and the API's IndexedValueType numbers. */
const TYPES: Record<SearchAttributeType, { cli: string; indexed: number }> = {
  TEXT: { cli: 'Text', indexed: 1 },
  KEYWORD: { cli: 'Keyword', indexed: 2 },
  INT: { cli: 'Int', indexed: 3 },
  DOUBLE: { cli: 'Double', indexed: 4 },
  BOOL: { cli: 'Bool', indexed: 5 },
  DATETIME: { cli: 'Datetime', indexed: 6 },
  KEYWORD_LIST: { cli: 'KeywordList', indexed: 7 },
};

type Key = CcpSearchAttributeKey;

/** `temporal server start-dev` arguments that register them. */
export function devServerSearchAttributeArgs(keys: Key[] = CCP_SEARCH_ATTRIBUTE_KEYS): string[] {
  return keys.flatMap((key) => ['--search-attribute', `${key.name}=${TYPES[key.type].cli}`]);
}

/** `keys` as the API's AddSearchAttributes takes them: name → IndexedValueType. */
export function indexedSearchAttributes(keys: Key[] = CCP_SEARCH_ATTRIBUTE_KEYS): Record<string, number> {
  return Object.fromEntries(keys.map((key) => [key.name, TYPES[key.type].indexed]));
}

/** The commands that create `keys` on a cluster: one per type (the CLI takes one --type and many --name). */
export function createSearchAttributeCommands(namespace: string, keys: Key[] = CCP_SEARCH_ATTRIBUTE_KEYS, address?: string)
  : string[] {
  const byType = new Map<SearchAttributeType, string[]>();
  for (const key of keys) byType.set(key.type, [...(byType.get(key.type) ?? []), key.name]);
  return [...byType].map(([type, names]) => `temporal operator search-attribute create${address ? ` --address ${address}` : ''} ` +
    `--namespace ${namespace} --type ${TYPES[type].cli} ${names.map((n) => `--name ${n}`).join(' ')}`);
}

/** The part of the operator service this needs (the client's and the worker's connections both have it). */
export interface SearchAttributeOperator {
  listSearchAttributes(request: { namespace: string }): Promise<{ customAttributes?: Record<string, number> | null }>;
  addSearchAttributes(request: { namespace: string; searchAttributes: Record<string, number> }): Promise<unknown>;
}

export class SearchAttributesMissing extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SearchAttributesMissing';
  }
}

/**
 * Checks that the namespace has every ccp search attribute with its type. `register` (ccp's own dev server) adds
 * the missing ones; otherwise a missing one throws SearchAttributesMissing naming the commands that create it.
 * A wrong type always throws: a search attribute's type cannot be changed in place.
 */
export async function ensureSearchAttributes(operator: SearchAttributeOperator, namespace: string,
  options: { register: boolean; where: string; address?: string }): Promise<{ added: string[] }> {
  const known = (await operator.listSearchAttributes({ namespace })).customAttributes ?? {};
  const missing = CCP_SEARCH_ATTRIBUTE_KEYS.filter((key) => known[key.name] === undefined);
  const wrong = CCP_SEARCH_ATTRIBUTE_KEYS.filter((key) => known[key.name] !== undefined && known[key.name] !== TYPES[key.type].indexed);
  if (wrong.length > 0) {
    throw new SearchAttributesMissing(`${options.where}, namespace ${namespace}: ${wrong.map((k) => k.name).join(', ')} ` +
      `${wrong.length === 1 ? 'has' : 'have'} another type than ccp needs (${wrong.map((k) => `${k.name}=${TYPES[k.type].cli}`).join(', ')}); ` +
      'remove them (`temporal operator search-attribute remove`) and create them again, or use another namespace (CCP_TEMPORAL_NAMESPACE)');
  }
  if (missing.length === 0) return { added: [] };
  if (!options.register) {
    throw new SearchAttributesMissing(`${options.where}, namespace ${namespace} lacks ccp's search attributes ` +
      `(${missing.map((k) => k.name).join(', ')}); workflows that set them would fail. Create them once, then run \`ccp up\` again:\n  ` +
      createSearchAttributeCommands(namespace, missing, options.address).join('\n  '));
  }
  await operator.addSearchAttributes({ namespace, searchAttributes: indexedSearchAttributes(missing) });
  return { added: missing.map((key) => key.name) };
}

/** ccp's own dev server gets what it lacks; an external cluster (CCP_TEMPORAL_ADDRESS) is only checked. */
export function ensureCcpSearchAttributes(operator: SearchAttributeOperator, temporal: CcpConfig['temporal'])
  : Promise<{ added: string[] }> {
  return ensureSearchAttributes(operator, temporal.namespace, { register: !temporal.external, address: temporal.address,
    where: temporal.external ? `the Temporal server at ${temporal.address} (CCP_TEMPORAL_ADDRESS)` : 'the dev server' });
}
