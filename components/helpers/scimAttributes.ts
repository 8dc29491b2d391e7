// SCIM attribute names as the two vendors spell them. Pure: the config checks and the schema edits agree on which
// names are the same attribute.

/**
 * Auth0 writes enterprise-extension attributes as `urn:...:2.0:User.department`; Entra's schema names them
 * `urn:...:2.0:User:department`. Accept both, use Entra's.
 */
export function normalizeTargetAttributeName(name: string): string {
    const m = /^(urn:ietf:params:scim:schemas:extension:[^\s]+?:2\.0:(?:User|Group))\.(.+)$/.exec(name);
    return m ? `${m[1]}:${m[2]}` : name;
}

/** One key per object and target attribute: Entra matches attribute names case-insensitively. */
export function mappingKey(m: { object: string; targetAttributeName: string }): string {
    return `${m.object}:${normalizeTargetAttributeName(m.targetAttributeName).toLowerCase()}`;
}

/** Whether two names are the same SCIM attribute (either vendor's spelling, any case). */
export function sameAttribute(a: string, b: string): boolean {
    return normalizeTargetAttributeName(a).toLowerCase() === normalizeTargetAttributeName(b).toLowerCase();
}
