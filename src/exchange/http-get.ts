import http from 'node:http';
import https from 'node:https';

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /**
   * Raw bytes, decoded where they are parsed. A page body is a 100+ KB string: made early, it lands in V8's
   * large-object space and is promoted to the old generation by the first scavenge it lives through, which
   * (with a thousand pages) makes the old generation grow by tens of megabytes between full collections.
   */
  readonly body: Buffer;
}

export interface HttpGetOptions {
  readonly timeoutMs: number;
  /** A body larger than this is cut off and the request fails as a network error (a broken proxy, a wrong host). */
  readonly maxBodyBytes: number;
  readonly signal?: AbortSignal;
}

/** A GET that resolves for every HTTP status and rejects only when no complete response arrived. */
export type HttpGet = (url: string, query: Readonly<Record<string, string>>, options: HttpGetOptions) => Promise<HttpResponse>;

/** Raised when no complete response arrived (refused, reset, DNS, timeout, truncated body). */
export class NetworkError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'NetworkError';
  }
}

const USER_AGENT = 'cryptocollect (+https://www.npmjs.com/package/cryptocollect)';

export interface HttpGetSetup {
  /** The source address of every request (Config.localAddress); default: the system's choice. */
  readonly localAddress?: string | undefined;
}

export function createHttpGet(setup: HttpGetSetup = {}): HttpGet {
  // Keep-alive: one TLS handshake per connection instead of per page (they cost more than the page itself).
  const agent = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  // got is loaded by the first request: the commands that only read the database (status, gaps) never pay for it.
  let loaded: Promise<typeof import('got')> | undefined;
  return async (url, query, { timeoutMs, maxBodyBytes, signal }) => {
    let tooLarge = false;
    const { default: got, RequestError } = await (loaded ??= import('got'));
    try {
      const request = got(url, {
        agent,
        searchParams: { ...query },
        throwHttpErrors: false,
        followRedirect: false,
        // Retrying is decided by our failure table and p-retry, not by got.
        retry: { limit: 0 },
        timeout: { request: timeoutMs },
        headers: { 'user-agent': USER_AGENT, accept: 'application/json' },
        // The exchange counts weight per source IP: this address's budget is the one spent.
        ...(setup.localAddress !== undefined ? { localAddress: setup.localAddress } : {}),
        responseType: 'buffer',
        ...(signal ? { signal } : {}),
      });
      const cut = (): void => {
        tooLarge = true;
        request.cancel();
      };
      // By the length announced, or (chunked) by the bytes as they come.
      void request.on('downloadProgress', (p: { transferred: number; total?: number | undefined }) => {
        if (p.transferred > maxBodyBytes || (p.total ?? 0) > maxBodyBytes) cut();
      });
      const res = await request;
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(res.headers)) headers[k] = Array.isArray(v) ? v.join(',') : v;
      return { status: res.statusCode, headers, body: res.body };
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (tooLarge) throw new NetworkError('EBODYTOOLARGE', `the response body is larger than ${Math.round(maxBodyBytes / 2 ** 20)} MiB`);
      if (err instanceof RequestError) {
        const code = err.code ?? 'ERR_NETWORK';
        throw new NetworkError(code, describeNetworkError(code, err.message));
      }
      throw err;
    }
  };
}

function describeNetworkError(code: string, message: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found (DNS)';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ETIMEDOUT':
      return 'timed out';
    default:
      return message.split('\n')[0] ?? code;
  }
}
