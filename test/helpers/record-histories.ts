// node dist/test/helpers/record-histories.js: re-records test/fixtures/histories (see workflow-histories.ts).
import { recordHistories } from './workflow-histories.js';

for (const file of await recordHistories()) console.log(`recorded ${file}`);
