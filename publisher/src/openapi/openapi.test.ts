import { readFileSync } from 'node:fs';
import { OPENAPI_FILE, renderOpenApiYaml } from './render-openapi';

describe('OpenAPI document', () => {
  it('When the committed openapi.yaml is compared with the schemas, then it is current (run `npm run openapi` to refresh)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(renderOpenApiYaml());
  });
});
