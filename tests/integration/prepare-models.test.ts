/** `npm run models`: checksums, idempotence, and messages that name the file and the fix. */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MTCNN_SOURCE, SetupError, packageDir, prepareMtcnn } from '../../scripts/lib/prepare-models';

let dir: string;
let realSource: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'models-'));
  realSource = packageDir(MTCNN_SOURCE.pkg, MTCNN_SOURCE.version);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sourceCopy(name: string): string {
  const src = join(dir, name);
  mkdirSync(join(src, 'weights'), { recursive: true });
  for (const f of [MTCNN_SOURCE.manifest, MTCNN_SOURCE.shard]) copyFileSync(join(realSource, f), join(src, f));
  return src;
}

describe('prepareMtcnn', () => {
  it('writes one manifest and shard per net plus the index, then does nothing on a second run', () => {
    const out = join(dir, 'out');
    expect(prepareMtcnn(realSource, out)).toBe('written');
    const index = JSON.parse(readFileSync(join(out, 'mtcnn.json'), 'utf8')) as {
      nets: Record<string, { manifest: string; shards: Record<string, { bytes: number }> }>;
    };
    expect(Object.keys(index.nets)).toEqual(['pnet', 'rnet', 'onet']);
    const total = Object.values(index.nets).reduce(
      (n, net) => n + Object.values(net.shards).reduce((m, s) => m + s.bytes, 0),
      0,
    );
    expect(total).toBe(MTCNN_SOURCE.bytes);
    const before = statSync(join(out, 'onet.bin')).mtimeMs;
    expect(prepareMtcnn(realSource, out)).toBe('up to date');
    expect(statSync(join(out, 'onet.bin')).mtimeMs).toBe(before);
  });

  it('rewrites an output file that was damaged', () => {
    const out = join(dir, 'damaged');
    prepareMtcnn(realSource, out);
    writeFileSync(join(out, 'pnet.bin'), 'oops');
    expect(prepareMtcnn(realSource, out)).toBe('written');
    expect(prepareMtcnn(realSource, out)).toBe('up to date');
  });

  it('stops on a shard with the wrong checksum, naming the file and the fix', () => {
    const src = sourceCopy('bad-sum');
    const shard = readFileSync(join(src, MTCNN_SOURCE.shard));
    shard[12345] = shard[12345]! ^ 1;
    writeFileSync(join(src, MTCNN_SOURCE.shard), shard);
    expect(() => prepareMtcnn(src, join(dir, 'never'))).toThrow(SetupError);
    expect(() => prepareMtcnn(src, join(dir, 'never'))).toThrow(/mtcnn_model-shard1 has SHA-256 .*npm ci/);
  });

  it('stops on a missing shard, naming it', () => {
    const src = join(dir, 'empty');
    mkdirSync(src);
    expect(() => prepareMtcnn(src, join(dir, 'never'))).toThrow(/mtcnn_model-shard1 is missing\. Run `npm ci`/);
  });

  it('stops on a missing package, saying to run npm ci', () => {
    expect(() => packageDir('no-such-package-here', '1.0.0')).toThrow(/npm ci/);
  });
});
