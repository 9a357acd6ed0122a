import { writeFileSync } from 'node:fs';
import { OPENAPI_FILE, renderOpenApiYaml } from '../openapi/render-openapi';

/** `npm run openapi`: regenerates publisher/openapi.yaml from the request schemas. */
writeFileSync(OPENAPI_FILE, renderOpenApiYaml());
console.log(`wrote ${OPENAPI_FILE}`);
