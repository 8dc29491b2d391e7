// Entra and Azure identifiers: the one GUID rule of the codebase. Pure.

/** A GUID in its 8-4-4-4-12 hex form, either case: Entra object and tenant ids, Azure subscription ids. */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
    return GUID.test(value);
}

/**
 * Tenant ids compare case-insensitively. Values keep the spelling the config gave (a changed spelling in a
 * provider's or resource's inputs would replace it); grouping and comparison use this key.
 */
export function tenantKey(tenantId: string): string {
    return tenantId.toLowerCase();
}
