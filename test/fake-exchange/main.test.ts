import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../support/fake-exchange/main.ts');

test('standalone main.ts prints its URL and serves a synthetic universe', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--port', '0', '--latency', '5', '--symbols', '100'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    let out = '';
    child.stdout.setEncoding('utf8');
    while (!out.includes('\n')) {
      const [chunk] = (await once(child.stdout, 'data')) as [string];
      out += chunk;
    }
    const url = out.trim();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const info = (await (await fetch(`${url}/api/v3/exchangeInfo`)).json()) as { symbols: Array<{ symbol: string; quoteAsset: string }> };
    assert.equal(info.symbols.length, 100);
    assert.equal(info.symbols[0]!.symbol, 'BTCUSDT');
    assert.ok(info.symbols.some((s) => s.quoteAsset === 'BTC'));
    const tickers = (await (await fetch(`${url}/api/v3/ticker/24hr`)).json()) as Array<{ quoteVolume: string }>;
    assert.equal(tickers.length, 100);
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});
