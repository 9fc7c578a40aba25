// The project's root folder, for tests that read its files or run its scripts.
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
