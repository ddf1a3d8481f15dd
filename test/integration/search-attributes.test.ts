// ccp against a Temporal server that does not know its search attributes (an external cluster not set up, or a dev
// server an older ccp started): an external one is refused with the commands that create them, ccp's own dev
// server gets them added; a type other than ccp's is refused either way.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CcpConfig } from '../../src/config/config.js';
import { ensureCcpSearchAttributes, SearchAttributesMissing } from '../../src/stack/search-attributes.js';
import { CCP_SEARCH_ATTRIBUTE_KEYS } from '../../src/shared/visibility.js';
import { startTestTemporal } from '../helpers/temporal-env.js';

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  // A bare dev server: none of ccp's attributes; a second namespace for the wrong-type case.
  env = await startTestTemporal(['--log-level', 'warn', '--namespace', 'other']);
});

afterAll(async () => {
  await env?.teardown();
});

const temporal = (namespace: string, external: boolean): CcpConfig['temporal'] =>
  ({ address: '127.0.0.1:7233', external, port: 7233, uiPort: 8233, namespace });

test('an external cluster without them is refused, naming the commands that create them', async () => {
  const refused = ensureCcpSearchAttributes(env.connection.operatorService, temporal('default', true));
  await expect(refused).rejects.toBeInstanceOf(SearchAttributesMissing);
  await expect(refused).rejects.toThrow(
    'temporal operator search-attribute create --address 127.0.0.1:7233 --namespace default --type Keyword --name CcpRepo ' +
    '--name CcpPhase --name CcpPriority --name CcpGroup --name CcpHost\n  ' +
    'temporal operator search-attribute create --address 127.0.0.1:7233 --namespace default --type Int --name CcpParent ' +
    '--name CcpSubissue');
  await expect(refused).rejects.toThrow(/the Temporal server at 127\.0\.0\.1:7233 \(CCP_TEMPORAL_ADDRESS\), namespace default lacks/);
});

test('ccp\'s own dev server gets what it lacks, once; then an external check passes too', async () => {
  const { added } = await ensureCcpSearchAttributes(env.connection.operatorService, temporal('default', false));
  expect(added.sort()).toEqual(CCP_SEARCH_ATTRIBUTE_KEYS.map((k) => k.name).sort());
  const listed = await env.connection.operatorService.listSearchAttributes({ namespace: 'default' });
  expect(Object.keys(listed.customAttributes ?? {})).toEqual(expect.arrayContaining(added));
  await expect(ensureCcpSearchAttributes(env.connection.operatorService, temporal('default', false))).resolves.toEqual({ added: [] });
  await expect(ensureCcpSearchAttributes(env.connection.operatorService, temporal('default', true))).resolves.toEqual({ added: [] });
});

test('an attribute of another type is refused, even on the dev server', async () => {
  await env.connection.operatorService.addSearchAttributes({ namespace: 'other', searchAttributes: { CcpHost: 3 } });
  await expect(ensureCcpSearchAttributes(env.connection.operatorService, temporal('other', false)))
    .rejects.toThrow(/namespace other: CcpHost has another type than ccp needs \(CcpHost=Keyword\)/);
});
