/** What a credential may do: publish to and read from topics, by the names of ALLOWED_TOPICS. */
export interface Grants {
  /** Who is asking, as logs and metrics name them: the token's id or the JWT's subject; never the credential itself. */
  readonly principal: string;
  /** False only for AUTH_MODE=off, where every caller is the same anonymous one. */
  readonly authenticated: boolean;
  canPublish(topic: string): boolean;
  canRead(topic: string): boolean;
}

/** Every right on every topic: the grants of every request while AUTH_MODE=off. */
export const UNRESTRICTED: Grants = { principal: 'anonymous', authenticated: false, canPublish: () => true, canRead: () => true };

/**
 * Grants from scopes `publish:<topic>` and `read:<topic>`, where `<topic>` is a name of ALLOWED_TOPICS
 * or `*` for all of them. Other scopes are ignored, so one token may carry scopes of other services.
 */
export function grantsFromScopes(principal: string, scopes: Iterable<string>): Grants {
  const publish = new Set<string>();
  const read = new Set<string>();
  for (const scope of scopes) {
    const colon = scope.indexOf(':');
    if (colon < 0) continue;
    const action = scope.slice(0, colon);
    const topic = scope.slice(colon + 1);
    if (action === 'publish') publish.add(topic);
    else if (action === 'read') read.add(topic);
  }
  return {
    principal,
    authenticated: true,
    canPublish: (topic) => publish.has(topic) || publish.has('*'),
    canRead: (topic) => read.has(topic) || read.has('*'),
  };
}
