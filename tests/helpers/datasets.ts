/** Where the shared datasets live, and readers for their label files. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Box } from '../../src/core/types';
import { projectRoot } from '../../scripts/lib/paths';

export { projectRoot };
/** `../shared/datasets` beside the project, as the team lays it out; absent on a bare clone. */
export const datasetsDir = process.env.FACE_DATASETS ?? resolve(projectRoot, '..', 'shared', 'datasets');
export const hasDatasets = existsSync(join(datasetsDir, 'README.md'));
export const missingDatasetsNote = `skipped: ${datasetsDir} is absent (the shared datasets are not beside this clone)`;

export interface LabelledImage {
  readonly file: string;
  readonly boxes: Box[];
}

/** Reads dlib's imglab XML (`<image file=…><box top left width height/>`); boxes marked ignore are left out. */
export function readDlibBoxes(xmlPath: string): LabelledImage[] {
  const xml = readFileSync(xmlPath, 'latin1');
  const images: LabelledImage[] = [];
  for (const m of xml.matchAll(/<image file='([^']+)'[^>]*>([\s\S]*?)<\/image>/g)) {
    const boxes: Box[] = [];
    for (const b of m[2]!.matchAll(/<box ([^>]*?)\/?>/g)) {
      const attr = (name: string): number => Number(new RegExp(`${name}='(-?\\d+)'`).exec(b[1]!)?.[1]);
      if (/ignore='1'/.test(b[1]!)) continue;
      boxes.push({ x: attr('left'), y: attr('top'), width: attr('width'), height: attr('height') });
    }
    images.push({ file: join(dirname(xmlPath), m[1]!), boxes });
  }
  return images;
}
