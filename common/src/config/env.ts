import { z } from 'zod';

/** Thrown when the environment does not hold a valid configuration; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Parses environment variables with a zod object schema whose keys are the variable names.
 * Empty strings count as unset, so `FOO=` falls back to the default like a missing variable.
 */
export function readEnv<S extends z.ZodObject>(schema: S, env: Env = process.env): Readonly<z.output<S>> {
  const present: Env = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') present[key] = value.trim();
  }
  const result = schema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.');
        return issue.code === 'invalid_type' && present[name] === undefined
          ? `environment variable ${name} not found`
          : `environment variable ${name}: ${issue.message}`;
      }),
    );
  }
  return Object.freeze(result.data);
}

const port = () => z.coerce.number().int().min(0).max(65535);

/** Reusable pieces for environment schemas. */
export const envVar = {
  port: (fallback: number) => port().default(fallback),
  /** A port that may stay unset, leaving off what it would enable. */
  optionalPort: () => port().optional(),
  positiveInt: (fallback: number, max = Number.MAX_SAFE_INTEGER) =>
    z.coerce.number().int().min(1).max(max).default(fallback),
  nonNegativeInt: (fallback: number, max = Number.MAX_SAFE_INTEGER) =>
    z.coerce.number().int().min(0).max(max).default(fallback),
  boolean: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
      .transform((v) => v === 'true' || v === '1' || v === 'yes')
      .default(fallback),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  url: () => z.url({ message: 'expected a URL' }),
};
