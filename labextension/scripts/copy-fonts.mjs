// Copies DejaVu Sans (regular and bold) into labextension/fonts/ before the build, so PDF export
// in the browser embeds the same font as the kernel's fig.save (kernel-lib/src/plot/render.ts
// finds it; Debian's fonts-dejavu-core, or ADLAB_FONT_DIR). The folder is a build output (ignored).
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { fontFiles } = require('../../kernel-lib/dist/plot/render.js');
const out = join(here, '..', 'fonts');
mkdirSync(out, { recursive: true });
const f = fontFiles();
copyFileSync(f.regular, join(out, 'DejaVuSans.ttf'));
copyFileSync(f.bold, join(out, 'DejaVuSans-Bold.ttf'));
