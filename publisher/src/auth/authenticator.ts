import type { Middleware } from 'koa';
import type { Logger } from '@pubsub-ingest/common';
import { AppError } from '../http/app-error';
import { UNRESTRICTED, type Grants } from './grants';
import { JwtVerifier, KeySetUnavailableError } from './jwt-verifier';
import { TokenFile } from './token-file';

export interface AuthConfig {
  AUTH_MODE: 'on' | 'off';
  AUTH_TOKENS_FILE?: string | undefined;
  AUTH_TOKENS_RELOAD_SECONDS: number;
  AUTH_JWKS_URL?: URL | undefined;
  AUTH_JWT_ISSUER?: string | undefined;
  AUTH_JWT_AUDIENCE?: string | undefined;
  AUTH_JWT_CLOCK_TOLERANCE_SECONDS: number;
}

/** What the routes read from ctx.state: the caller's rights. */
export interface AuthState {
  grants: Grants;
}

const REALM = 'Bearer realm="pubsub-ingest"';
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Turns a request's `Authorization: Bearer` credential into grants: an opaque token from the token
 * file, or a JWT verified against the provider's keys. With AUTH_MODE=off every request has every
 * right (the local stack's default; the charts' production values turn it on).
 */
export class Authenticator {
  private constructor(
    readonly mode: 'on' | 'off',
    private readonly tokens: TokenFile | undefined,
    private readonly jwt: JwtVerifier | undefined,
  ) {}

  static create(config: AuthConfig, deps: { logger: Logger; clock: () => Date }): Authenticator {
    if (config.AUTH_MODE === 'off') {
      deps.logger.warn('AUTH_MODE=off: every client may publish to every allowed topic and read every record');
      return new Authenticator('off', undefined, undefined);
    }
    const tokens = config.AUTH_TOKENS_FILE
      ? TokenFile.open(config.AUTH_TOKENS_FILE, { logger: deps.logger, clock: deps.clock, reloadSeconds: config.AUTH_TOKENS_RELOAD_SECONDS })
      : undefined;
    const jwt = config.AUTH_JWKS_URL
      ? new JwtVerifier({
          jwksUrl: config.AUTH_JWKS_URL,
          issuer: config.AUTH_JWT_ISSUER!,
          audience: config.AUTH_JWT_AUDIENCE!,
          clockToleranceSeconds: config.AUTH_JWT_CLOCK_TOLERANCE_SECONDS,
        })
      : undefined;
    return new Authenticator('on', tokens, jwt);
  }

  /** The grants of the request's credential; a 401 when there is none or it is not valid, a 503 when the key set is out of reach. */
  async grantsOf(authorization: string | undefined): Promise<Grants> {
    if (this.mode === 'off') return UNRESTRICTED;
    if (authorization === undefined || authorization === '') {
      throw new AppError('unauthenticated', 'this API needs an Authorization: Bearer <token> header', { headers: { 'WWW-Authenticate': REALM } });
    }
    const match = /^Bearer +([\x21-\x7e]+) *$/i.exec(authorization);
    if (!match) throw invalidToken('the Authorization header must be "Bearer <token>"');
    const credential = match[1]!;
    let grants: Grants | undefined;
    if (this.jwt && JWT_SHAPE.test(credential)) {
      try {
        grants = await this.jwt.verify(credential);
      } catch (err) {
        if (!(err instanceof KeySetUnavailableError)) throw err;
        throw new AppError('auth_unavailable', 'the token cannot be checked right now: the identity provider\'s keys are out of reach; retry later', {
          headers: { 'Retry-After': '5' },
        });
      }
    } else {
      grants = this.tokens?.verify(credential);
    }
    if (!grants) throw invalidToken('the bearer token is not valid: unknown, expired, or not meant for this service');
    return grants;
  }

  /** Koa middleware for the routes that need a credential: sets ctx.state.grants. */
  middleware(): Middleware {
    return async (ctx, next) => {
      (ctx.state as AuthState).grants = await this.grantsOf(ctx.get('authorization') || undefined);
      await next();
    };
  }

  close(): void {
    this.tokens?.close();
  }
}

function invalidToken(message: string): AppError {
  return new AppError('invalid_token', message, { headers: { 'WWW-Authenticate': `${REALM}, error="invalid_token"` } });
}

/** A 403 for a request whose credential lacks the right; RFC 6750 names the scope it needs. */
export function insufficientScope(scope: string, message: string): AppError {
  return new AppError('insufficient_scope', message, { headers: { 'WWW-Authenticate': `${REALM}, error="insufficient_scope", scope="${scope}"` } });
}
