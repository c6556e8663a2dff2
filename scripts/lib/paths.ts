import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const mtcnnModelDir = join(projectRoot, 'public', 'models', 'mtcnn');
