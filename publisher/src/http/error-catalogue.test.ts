import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from './error-catalogue';

describe('error catalogue', () => {
  it('When the README error table is compared with the catalogue, then it lists every code with its status', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const rows = new Map(
      [...readme.matchAll(/^\| (\d{3}) \| (.+) \|$/gm)].flatMap(([, status, codes]) => [...codes!.matchAll(/`([a-z0-9_]+)`/g)].map(([, code]) => [code!, Number(status)] as const)),
    );
    expect(Object.fromEntries(Object.keys(ERROR_CODES).map((code) => [code, rows.get(code)]))).toEqual(
      Object.fromEntries(Object.entries(ERROR_CODES).map(([code, { status }]) => [code, status])),
    );
  });
});
