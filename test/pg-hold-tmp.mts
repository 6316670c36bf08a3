import { writeFileSync } from 'node:fs';
import { startPostgresCluster } from './support/postgres-cluster.ts';
const c = await startPostgresCluster();
writeFileSync('/tmp/pgurl', c.url);
process.on('SIGTERM', async () => { await c.stop(); process.exit(0); });
setInterval(() => undefined, 1e9);
