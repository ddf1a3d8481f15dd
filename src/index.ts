// The package entry (`import { CcpClient } from 'ccp'`): the typed client. The CLI lives in bin/ccp.js.
export * from './client/index.js';
