// The SCIM mapping list is 30-odd pairs, nearly all Auth0's defaults: a reviewer needs the pairs that differ, in full.
import { DEFAULT_SCIM_MAPPINGS, type ScimMapping } from "../../components/config";

export interface MappingChange {
    scim: string;
    auth0: string;
    /** The default's Auth0 attribute when the mapping overrides one; absent for an added mapping. */
    default?: string;
}

/** Mappings that are not the stack's default pair for their SCIM attribute (added, or mapped elsewhere). */
export function scimMappingChanges(mappings: readonly ScimMapping[]): MappingChange[] {
    const defaults = new Map(DEFAULT_SCIM_MAPPINGS.map((m) => [m.scim, m.auth0]));
    const changes: MappingChange[] = [];
    for (const m of mappings) {
        const d = defaults.get(m.scim);
        if (d === m.auth0) continue;
        changes.push({ scim: m.scim, auth0: m.auth0, ...(d !== undefined ? { default: d } : {}) });
    }
    return changes;
}

function isMapping(v: unknown): v is ScimMapping {
    return !!v && typeof v === "object" && typeof (v as ScimMapping).scim === "string" && typeof (v as ScimMapping).auth0 === "string";
}

/** Text lines for a `mappings` input: the count, and every change in full. */
export function describeMappings(value: unknown[], indent: string): string[] {
    const mappings = value.filter(isMapping);
    const changes = scimMappingChanges(mappings);
    const base = "the defaults (Auth0's list, with the walkthrough's userName and work e-mail mappings)";
    if (changes.length === 0) return [`${indent}mappings: ${mappings.length} mappings, ${base}, unchanged`];
    return [
        `${indent}mappings: ${mappings.length} mappings, ${base} with ${changes.length} change${changes.length === 1 ? "" : "s"}:`,
        ...changes.map((c) =>
            c.default === undefined
                ? `${indent}  + ${c.scim} -> ${c.auth0}   (added)`
                : `${indent}  ~ ${c.scim} -> ${c.auth0}   (default: ${c.scim} -> ${c.default})`,
        ),
    ];
}
