// Writes docs/openapi.json from the document the API serves (`npm run openapi`); a test keeps them equal.
import { writeFileSync } from 'node:fs';
import { openApiDocument } from '../core/http/openapi.ts';

writeFileSync(new URL('../docs/openapi.json', import.meta.url), `${JSON.stringify(openApiDocument, null, 2)}\n`);
