/**
 * Put in place of the global `navigator` in the CLI's bundle (package.json "bundle": esbuild's --inject). pg asks
 * `navigator.userAgent` as its module loads, to tell a Cloudflare Worker from Node.js, and on Node 20 the first read
 * of that global loads the built-in fetch implementation (undici): about 14 ms of CPU and 3 MB of every command that opens
 * PostgreSQL, for an answer that is always "Node.js" here. Nothing else in the bundle reads it.
 */
const userAgent = `Node.js/${process.versions.node.split('.')[0] ?? ''}`;

const nodeNavigator = { userAgent } as const;

export { nodeNavigator as navigator };
