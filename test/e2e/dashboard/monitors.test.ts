/**
 * The Monitors view of a deployment page in a real browser (Debian's Chromium driven by playwright-core)
 * against the emulator: over seeded collected data with one moved feature, two monitors are created and
 * run; the page shows each monitor's signals over time, per feature the baseline and current histograms
 * overlaid (the shares the stored result holds), and the drifted feature highlighted, the others not.
 *
 * Needs `npm run build` first (the emulator runs `dist/`, the page is `web/dist/`).
 */
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import type { Page } from 'playwright-core';
import { mlpModel } from '../../../scripts/onnx/mlpModel';
import { baselineCsv, DRIFT_COLUMNS as COLUMNS, driftedRequests } from '../../support/driftRows';
import { pollUntil } from '../../support/poll';
import type { ServingClient } from '../serving/support/servingClient';
import { expectText, screenshot, seededDashboard } from './support/browser';

const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
const REQUESTS = 20;

interface FeatureView {
  name: string;
  signal: string;
  metric: string;
  value: number | null;
  drifted: boolean;
  histogram: { baseline: number[]; current: number[] };
}

interface MonitorView {
  name: string;
  signals: Record<string, { metric: string; threshold: number }>;
  history: { runId: string }[];
  lastResult: { drifted: string[]; features: FeatureView[] };
}

/** What the page code below uses of the DOM (not in this file's type library). */
interface Attrs {
  getAttribute(name: string): string | null;
}
interface PageWindow {
  getComputedStyle(element: unknown): { borderTopColor: string };
}

/** What the page's formatNumber writes in Chromium's default (en-US) locale. */
const shown = (value: number, digits: number) => value.toLocaleString('en-US', { maximumFractionDigits: digits });

describe('the Monitors view (Chromium against the emulator)', () => {
  let sibyl: ServingClient;
  let page: Page;
  const ep = `drift-${RUN}`;
  const monitors = { psi: `psi-${RUN}`, ks: `ks-${RUN}` };
  const baselinePath = `baselines/${RUN}/train.csv`;

  async function runMonitor(name: string): Promise<void> {
    const started = await sibyl.call('POST', `api/monitors/${name}/runs`);
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    const status = await pollUntil(
      async () => {
        const run = (await sibyl.call('GET', `api/runs/${id}`)).body as { status: string };
        return ['Completed', 'Failed', 'Canceled'].includes(run.status) && run.status;
      },
      `monitor run ${id} to end`,
      120_000,
      250,
    );
    expect(status).toBe('Completed');
  }

  seededDashboard(
    `monitors-${RUN}`,
    async (client) => {
      sibyl = client;
      const key = await sibyl.serve(ep, ep, mlpModel({ inputs: 4, hidden: [8], outputs: 2, seed: 5 }), {
        dataCollection: { enabled: true },
      });
      // No kept-alive sockets: an idle one would keep the Jest worker from exiting.
      const store: ContainerClient = BlobServiceClient.fromConnectionString(
        process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING!,
        { keepAliveOptions: { enable: false } },
      ).getContainerClient('workspaceblobstore');
      await store.createIfNotExists();
      await store.getBlockBlobClient(baselinePath).uploadData(Buffer.from(baselineCsv()));

      for (const data of driftedRequests(REQUESTS))
        expect((await sibyl.score(ep, { input_data: { columns: COLUMNS, data } }, key)).status).toBe(200);
      await pollUntil(
        async () => {
          let lines = 0;
          for await (const blob of store.listBlobsFlat({ prefix: `${ep}/blue/model_inputs/` }))
            lines += (await store.getBlobClient(blob.name).downloadToBuffer())
              .toString('utf8')
              .trim()
              .split('\n').length;
          return lines === REQUESTS;
        },
        'every request collected',
        60_000,
        250,
      );

      const spec = {
        endpoint: ep,
        deployment: 'blue',
        baseline: { datastore: 'workspaceblobstore', path: baselinePath, format: 'csv' },
        features: COLUMNS,
        window: 'PT2H',
      };
      for (const [name, signals] of [
        [monitors.psi, { dataDrift: { metric: 'psi', threshold: 0.2 } }],
        [
          monitors.ks,
          { dataDrift: { metric: 'ks', threshold: 0.1 }, predictionDrift: { metric: 'jensenShannon', threshold: 0.1 } },
        ],
      ] as const)
        expect((await sibyl.call('PUT', `api/monitors/${name}`, { body: { ...spec, signals } })).status).toBe(201);
      // Two runs of one monitor: its signals have two points in time.
      await runMonitor(monitors.psi);
      await runMonitor(monitors.psi);
      await runMonitor(monitors.ks);
    },
    (opened) => (page = opened),
  );

  it('shows each monitor, its signals over time, overlaid histograms and only the moved feature highlighted', async () => {
    await page.goto(`${sibyl.baseUrl}/#/endpoints/${ep}`);
    await page.getByRole('tab', { name: 'Monitors' }).click();
    const card = page.locator('.card', { hasText: 'Deployment blue' });
    await card.locator('[data-monitor]').nth(1).waitFor({ timeout: 30_000 });
    expect(await card.locator('[data-monitor]').count()).toBe(2);

    for (const name of [monitors.psi, monitors.ks]) {
      const monitor = (await sibyl.call('GET', `api/monitors/${name}`)).body as MonitorView;
      const result = monitor.lastResult;
      expect(result.drifted).toEqual(['d']);
      expect(monitor.history).toHaveLength(name === monitors.psi ? 2 : 1);
      const section = page.locator(`[data-monitor="${name}"]`);
      await expectText(section.locator('h3'), /1 drifted/);

      // Signals over time: one chart per signal, a series per feature, labelled with the last run's values.
      const signals = Object.entries(monitor.signals);
      const charts = section.locator('.chart');
      await pollUntil(async () => (await charts.locator('canvas').count()) === signals.length, 'the charts', 15_000);
      for (const [i, [signal, { metric }]] of signals.entries()) {
        const chart = charts.nth(i);
        await expectText(chart.locator('.chart-title'), `${signal} (${metric}) over time`);
        const features = result.features.filter((f) => f.signal === signal);
        const label = (await chart.locator('.chart-plot').getAttribute('aria-label')) ?? '';
        for (const f of features) {
          expect(label).toContain(f.value === null ? `${f.name} no data` : `${f.name} ${shown(f.value, 2)} ${metric}`);
          await expectText(chart.locator('.u-legend'), f.name);
        }
      }

      // Per feature, baseline and current histograms overlaid: a bar of each in every bin, at the stored shares.
      for (const f of result.features) {
        const figure = section.locator(`figure.feature-hist[data-feature="${f.name}"][data-signal="${f.signal}"]`);
        const bins = figure.locator('.hist-bin');
        expect(await bins.count()).toBe(f.histogram.baseline.length);
        expect(await figure.locator('.hist-bar.baseline').count()).toBe(f.histogram.baseline.length);
        expect(await figure.locator('.hist-bar.current').count()).toBe(f.histogram.current.length);
        const total = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
        const [tb, tc] = [total(f.histogram.baseline), total(f.histogram.current)];
        // Run in the page; this file is type-checked without the DOM library, hence the narrow casts.
        const labels = await bins.evaluateAll((els) =>
          els.map((el) => (el as unknown as Attrs).getAttribute('aria-label') ?? ''),
        );
        labels.forEach((text, i) => {
          const share = (n: number, of: number) => shown(of ? (n / of) * 100 : 0, 1);
          expect(text).toContain(
            `baseline ${share(f.histogram.baseline[i]!, tb)}%, current ${share(f.histogram.current[i]!, tc)}%`,
          );
        });
        // Highlighted: outlined and badged when drifted, which is `d`'s input drift alone.
        const highlighted = f.signal === 'dataDrift' && f.name === 'd';
        expect(f.drifted).toBe(highlighted);
        expect(await figure.getAttribute('class')).toBe(highlighted ? 'feature-hist drifted' : 'feature-hist');
        expect(await figure.locator('.badge', { hasText: 'drifted' }).count()).toBe(highlighted ? 1 : 0);
      }
      // Drawn differently, not only classed so: the drifted figure's outline is not the others'.
      const border = (feature: string) =>
        section
          .locator(`figure.feature-hist[data-feature="${feature}"][data-signal="dataDrift"]`)
          .evaluate((el) => (globalThis as unknown as PageWindow).getComputedStyle(el).borderTopColor);
      const others = await Promise.all(['a', 'b', 'c'].map(border));
      expect(new Set(others).size).toBe(1);
      expect(await border('d')).not.toBe(others[0]);
      // Drifted features come first.
      expect(await section.locator('figure.feature-hist').first().getAttribute('data-feature')).toBe('d');
    }
    await screenshot(page, '20-endpoint-monitors');
  }, 120_000);
});
