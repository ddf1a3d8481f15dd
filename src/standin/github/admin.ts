// The stand-in's own admin endpoints (not GitHub's, never authenticated, never validated against its description):
//   POST /_ccp/faults {"rules": [...]}  add fault rules (faults.ts)     GET /_ccp/faults  the rules and their hits
//   DELETE /_ccp/faults                 clear them                      GET /_ccp/stats   request log and 304 count
import type { FaultBook } from './faults.js';
import type { Reply } from './routes.js';

export const ADMIN_PREFIX = '/_ccp/';

export function handleAdmin(faults: FaultBook, stats: () => unknown, method: string, path: string, raw: string): Reply {
  const route = `${method} ${path.replace(/\/+$/, '')}`;
  switch (route) {
    case 'GET /_ccp/faults':
      return { status: 200, body: { rules: faults.list() } };
    case 'DELETE /_ccp/faults':
      faults.clear();
      return { status: 204 };
    case 'POST /_ccp/faults': {
      try {
        const { rules } = JSON.parse(raw) as { rules?: unknown };
        if (!Array.isArray(rules)) throw new Error('expected {"rules": [...]}');
        return { status: 201, body: { rules: faults.add(rules) } };
      } catch (error) {
        return { status: 400, body: { message: error instanceof Error ? error.message : String(error) } };
      }
    }
    case 'GET /_ccp/stats':
      return { status: 200, body: stats() };
    default:
      return { status: 404, body: { message: `no admin endpoint ${route}` } };
  }
}
