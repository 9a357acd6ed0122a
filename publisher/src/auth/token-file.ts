import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import type { Logger } from '@pubsub-ingest/common';
import { grantsFromScopes, type Grants } from './grants';

const TokenEntry = z.strictObject({
  /** Names the client in logs and metrics. */
  id: z.string().min(1).max(128),
  /** Hex SHA-256 of the token; the token itself is stored nowhere on the server side. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a hex SHA-256 (64 lower-case hex digits)'),
  scopes: z.array(z.string().min(1)),
  /** After this instant the token is refused; rotation adds the new token first and removes the old one after. */
  expires_at: z.iso.datetime({ offset: true }).optional(),
});
const TokenFileContent = z.strictObject({ tokens: z.array(TokenEntry) });

interface Token {
  id: string;
  digest: Buffer;
  grants: Grants;
  expiresAt: number;
}

/** The SHA-256 an operator stores for a token: `printf %s "$TOKEN" | sha256sum`. */
export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * Opaque bearer tokens from a JSON file (a mounted Kubernetes Secret in production), stored as
 * SHA-256 digests only. The file is read again when it changes — a Secret update swaps it in place —
 * so tokens rotate without a restart; a file that no longer parses keeps the last good set and is
 * logged, so a bad edit cannot lock every client out.
 */
export class TokenFile {
  private tokens = new Map<string, Token>();
  private loadedMtime = -1;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly path: string,
    private readonly logger: Logger,
    private readonly clock: () => Date,
  ) {}

  /** Reads the file once (throwing when it is missing or invalid), then checks it every `reloadSeconds`. */
  static open(path: string, options: { logger: Logger; clock: () => Date; reloadSeconds: number }): TokenFile {
    const file = new TokenFile(path, options.logger, options.clock);
    try {
      file.install(statSync(path).mtimeMs, readFileSync(path, 'utf8'));
    } catch (err) {
      throw new Error(`AUTH_TOKENS_FILE ${path}: ${describe(err)}`);
    }
    file.timer = setInterval(() => void file.reload(), options.reloadSeconds * 1000).unref();
    return file;
  }

  get size(): number {
    return this.tokens.size;
  }

  /** The grants of a presented token, or undefined when it is not one of ours or has expired. */
  verify(presented: string): Grants | undefined {
    const digest = tokenDigest(presented);
    const token = this.tokens.get(digest.toString('hex'));
    // The map finds the entry by digest; comparing the digests in constant time as well costs nothing.
    if (!token || !timingSafeEqual(token.digest, digest)) return undefined;
    if (this.clock().getTime() >= token.expiresAt) return undefined;
    return token.grants;
  }

  close(): void {
    clearInterval(this.timer);
  }

  private async reload(): Promise<void> {
    try {
      const { mtimeMs } = await stat(this.path);
      if (mtimeMs !== this.loadedMtime) this.install(mtimeMs, await readFile(this.path, 'utf8'));
    } catch (err) {
      this.logger.error({ error: describe(err) }, 'bearer token file could not be read again; keeping the tokens loaded before');
    }
  }

  private install(mtimeMs: number, text: string): void {
    const parsed = TokenFileContent.parse(JSON.parse(text));
    const tokens = new Map<string, Token>();
    for (const entry of parsed.tokens) {
      tokens.set(entry.sha256, {
        id: entry.id,
        digest: Buffer.from(entry.sha256, 'hex'),
        grants: grantsFromScopes(entry.id, entry.scopes),
        expiresAt: entry.expires_at ? Date.parse(entry.expires_at) : Number.POSITIVE_INFINITY,
      });
    }
    this.tokens = tokens;
    this.loadedMtime = mtimeMs;
    this.logger.info({ tokens: tokens.size }, 'bearer tokens loaded');
  }
}

function describe(err: unknown): string {
  return err instanceof z.ZodError ? z.prettifyError(err) : err instanceof Error ? err.message : String(err);
}
