/** `npm run eval` end to end on a small real dataset: five TV characters, 13–22 face photos each. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetsDir, hasDatasets, missingDatasetsNote, projectRoot } from '../helpers/datasets';

describe.skipIf(!hasDatasets)(`npm run eval (${hasDatasets ? 'datasets present' : missingDatasetsNote})`, () => {
  it('prints one JSON object with the agreed fields, and recognises the characters', () => {
    const r = spawnSync(
      'npx',
      ['tsx', 'scripts/eval.ts', '--dataset', join(datasetsDir, 'bbt'), '--gallery', '5', '--json'],
      {
        cwd: projectRoot,
        encoding: 'utf8',
        timeout: 240_000,
      },
    );
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, number | string | null>;
    for (const key of [
      'model',
      'images',
      'faces_detected',
      'known_probes',
      'unknown_probes',
      'top1',
      'dimension',
      'maybe_threshold',
      'known_maybe',
      'unknown_maybe',
      'dir_at_far1',
      'dir_at_far5',
      'default_threshold',
      'tpr_at_default',
      'far_at_default',
      'ms_detect_median',
      'ms_embed_median',
      'train_ms',
    ]) {
      expect(out).toHaveProperty(key);
    }
    expect(out.model).toBe('faceres');
    expect(out.identities).toBe(5);
    expect(out.unknown_probes).toBe(0);
    expect(out.dir_at_far1).toBeNull();
    expect(out.known_probes).toBeGreaterThan(40);
    expect(out.top1).toBeGreaterThanOrEqual(0.9);
  });
});
