import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { grantsFromScopes, type Grants } from './grants';

export interface JwtVerifierOptions {
  jwksUrl: URL;
  issuer: string;
  audience: string;
  /** Seconds of clock difference tolerated on exp and nbf. */
  clockToleranceSeconds: number;
}

/** The JWKS could not be fetched: not the client's fault, so a 503 and not a 401. */
export class KeySetUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the JSON Web Key Set could not be fetched', { cause });
    this.name = 'KeySetUnavailableError';
  }
}

/** Asymmetric algorithms only: a shared secret would let every service holding it mint tokens. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/**
 * JWTs of an OIDC provider (or an API gateway's), verified with `jose` against the provider's JWKS,
 * which it fetches, caches and refetches when a token names a key it does not know (key rotation).
 * Scopes come from the `scope` claim (space-separated, RFC 8693) or `scp` (a list, as Entra ID and
 * Okta send it).
 */
export class JwtVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(private readonly options: JwtVerifierOptions) {
    this.keys = createRemoteJWKSet(options.jwksUrl, { timeoutDuration: 2_000, cooldownDuration: 30_000, cacheMaxAge: 600_000 });
  }

  /** The token's grants, undefined when it is not valid (bad signature, expired, wrong issuer or audience). */
  async verify(token: string): Promise<Grants | undefined> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: ALGORITHMS,
        clockTolerance: this.options.clockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (err) {
      if (isKeySetFailure(err)) throw new KeySetUnavailableError(err);
      return undefined;
    }
    return grantsFromScopes(payload.sub!, scopesOf(payload));
  }
}

/** The provider's fault (unreachable, slow, not 200, not a key set); every other JOSE error is the token's. */
const KEY_SET_FAILURES = new Set(['ERR_JOSE_GENERIC', 'ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID']);
function isKeySetFailure(err: unknown): boolean {
  return !(err instanceof joseErrors.JOSEError) || KEY_SET_FAILURES.has(err.code);
}

function scopesOf(payload: JWTPayload): string[] {
  const { scope, scp } = payload as { scope?: unknown; scp?: unknown };
  if (typeof scope === 'string') return scope.split(' ').filter(Boolean);
  if (Array.isArray(scp)) return scp.filter((s): s is string => typeof s === 'string');
  if (typeof scp === 'string') return scp.split(' ').filter(Boolean);
  return [];
}
