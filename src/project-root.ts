import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's folder (the one with package.json), where views/, public/ and
 * fixtures/ are: one level above this file under tsx (src/), two once built
 * (dist/src/).
 */
export const PROJECT_ROOT = ((): string => {
  let folder = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(folder, 'package.json'))) {
    const parent = path.dirname(folder);
    if (parent === folder) throw new Error('package.json not found above src/');
    folder = parent;
  }
  return folder;
})();
