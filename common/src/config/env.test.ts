import { z } from 'zod';
import { ConfigError, envVar, readEnv } from './env';

const schema = z.object({ REQUIRED_URL: envVar.url(), PORT: envVar.port(3000), FLAG: envVar.boolean(false) });

describe('readEnv', () => {
  it('When variables are valid, then they are parsed, defaulted and frozen', () => {
    const config = readEnv(schema, { REQUIRED_URL: 'http://x', FLAG: 'yes' });
    expect(config).toEqual({ REQUIRED_URL: 'http://x', PORT: 3000, FLAG: true });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('When a variable is missing or bad, then the error names every offending variable', () => {
    const read = () => readEnv(schema, { PORT: '70000', FLAG: 'maybe' });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(/environment variable REQUIRED_URL not found/);
    expect(read).toThrow(/environment variable PORT: /);
    expect(read).toThrow(/environment variable FLAG: expected true or false/);
  });

  it('When a variable is set to an empty string, then it counts as unset', () => {
    expect(readEnv(schema, { REQUIRED_URL: 'http://x', PORT: '' }).PORT).toBe(3000);
  });
});
