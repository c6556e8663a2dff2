/**
 * `npm run bench:classroom` on a small class (6 seated of 8 enrolled, 2 strangers, 20 s): the benchmark
 * runs end to end through the app's own code and prints figures. Only sane lower bounds are asserted: the
 * figures themselves are the benchmark's to report.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { hasDatasets, missingDatasetsNote, projectRoot } from '../helpers/datasets';

describe.skipIf(!hasDatasets)(
  `npm run bench:classroom (${hasDatasets ? 'datasets present' : missingDatasetsNote})`,
  () => {
    it('enrols a small class, marks most of the seated students and no stranger', () => {
      const r = spawnSync(
        'npx',
        [
          'tsx',
          'scripts/bench-classroom.ts',
          '--seated',
          '6',
          '--absent',
          '2',
          '--strangers',
          '2',
          '--seconds',
          '20',
          '--pipelines',
          'tracked',
          '--json',
          '--no-write',
        ],
        { cwd: projectRoot, encoding: 'utf8', timeout: 280_000 },
      );
      expect(r.status, r.stderr).toBe(0);
      const { results } = JSON.parse(r.stdout) as {
        results: {
          photos: number;
          photosAccepted: number;
          seated: number;
          markedAuto: number;
          suggestedOnly: number;
          strangersAccepted: number;
          absentMarked: number;
          frames: number;
        }[];
      };
      const [app] = results;
      expect(app!.photos).toBe(40);
      expect(app!.photosAccepted).toBeGreaterThanOrEqual(36);
      expect(app!.seated).toBe(6);
      expect(app!.frames).toBeGreaterThan(3);
      expect(app!.markedAuto + app!.suggestedOnly).toBeGreaterThanOrEqual(4);
      expect(app!.strangersAccepted).toBe(0);
      expect(app!.absentMarked).toBe(0);
    }, 300_000);
  },
);
