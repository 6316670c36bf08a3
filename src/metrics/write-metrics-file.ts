import { rename, rm, writeFile } from 'node:fs/promises';
import type { MetricFamily } from './collect-metrics.js';

/**
 * The families in Prometheus' text format, through prom-client's own registry (a fresh one: not the global
 * default, and without the default process metrics — the process is gone by the time anything scrapes the file;
 * node_exporter reports the host's own).
 */
export async function renderMetrics(families: readonly MetricFamily[]): Promise<string> {
  // CommonJS: its exports are the default export. Node also offers them by name, the bundle (dist/bin) does not.
  const { default: prom } = await import('prom-client');
  const { Counter, Gauge, Registry } = prom;
  const registry = new Registry();
  for (const f of families) {
    const config = { name: f.name, help: f.help, labelNames: [...f.labelNames], registers: [registry] };
    if (f.type === 'counter') {
      const counter = new Counter(config);
      for (const s of f.samples) counter.inc(s.labels, s.value);
    } else {
      const gauge = new Gauge(config);
      for (const s of f.samples) gauge.set(s.labels, s.value);
    }
  }
  return registry.metrics();
}

/**
 * Writes `file` whole or not at all, for node_exporter's textfile collector: a temporary file in the same folder
 * (not ending in `.prom`, so the collector never reads it half-written), then a rename over the old one.
 */
export async function writeMetricsFile(file: string, families: readonly MetricFamily[]): Promise<void> {
  const text = await renderMetrics(families);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temp, text, { mode: 0o644 });
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
}
