/**
 * `npm run bench:db`: how the local database copes with a whole school. Writes students and face samples
 * (1,024-float embeddings and a ~10 KB crop each) through the app's repositories, then loads every
 * embedding for training; in Node on fake-indexeddb and in headless Chromium on its real IndexedDB. A script
 * that prints figures, not a test.
 *
 *   npm run bench:db -- [--students 2000] [--samples 30] [--crop-bytes 10240] [--no-node] [--no-browser]
 */
import 'fake-indexeddb/auto';
import { parseArgs } from 'node:util';
import { runDbBench, type DbBenchOptions, type DbBenchResult } from './bench/db-core';

const { values: args } = parseArgs({
  options: {
    students: { type: 'string', default: '2000' },
    samples: { type: 'string', default: '30' },
    'crop-bytes': { type: 'string', default: '10240' },
    'no-node': { type: 'boolean', default: false },
    'no-browser': { type: 'boolean', default: false },
  },
});
const options: DbBenchOptions = {
  students: Number(args.students),
  samplesEach: Number(args.samples),
  dimension: 1024,
  cropBytes: Number(args['crop-bytes']),
};
const log = (line: string): void => console.error(`  ${line}`);
const rows: [string, DbBenchResult & { usageBytes?: number | null }][] = [];

if (!args['no-node']) {
  console.error('Node (fake-indexeddb, in memory):');
  rows.push(['Node, fake-indexeddb', await runDbBench('bench-db', { ...options, log })]);
}
if (!args['no-browser']) {
  console.error('Chromium (IndexedDB on disk):');
  const { launchChromium, openReadyPage, serveProjectPages } = await import('../tests/helpers/chromium');
  const pages = await serveProjectPages();
  const context = await launchChromium();
  try {
    const page = await context.newPage();
    page.on('console', (m) => log(m.text()));
    await openReadyPage(page, pages.url('/scripts/bench/db-page.html'));
    page.setDefaultTimeout(0);
    const result = await page.evaluate(
      (o) =>
        (
          window as unknown as {
            benchDb(o: DbBenchOptions): Promise<DbBenchResult & { usageBytes: number | null }>;
          }
        ).benchDb(o),
      options,
    );
    rows.push(['headless Chromium', result]);
  } finally {
    await context.close();
    await pages.close();
  }
}

const mb = (bytes: number | null | undefined): string => (bytes == null ? '–' : (bytes / 2 ** 20).toFixed(0));
console.log(
  `${options.students} students × ${options.samplesEach} samples (${options.dimension}-float embedding + ${options.cropBytes} B crop each)\n`,
);
console.log(
  '| where | add students: ms | write samples: ms (per student) | load every embedding: ms (first / again) | of which reading packs / unpacking: ms | embeddings | count samples: ms | payload MB | storage used MB |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const [where, r] of rows) {
  console.log(
    `| ${where} | ${r.addStudentsMs.toFixed(0)} | ${r.writeSamplesMs.toFixed(0)} (${(r.writeSamplesMs / options.students).toFixed(1)}) | ${r.loadEmbeddingsMs.toFixed(0)} / ${r.loadAgainMs.toFixed(0)} | ${r.readPacksMs.toFixed(0)} / ${r.unpackMs.toFixed(0)} | ${r.loadedEmbeddings} | ${r.countSamplesMs.toFixed(0)} | ${mb(r.payloadBytes)} | ${mb(r.usageBytes)} |`,
  );
}
