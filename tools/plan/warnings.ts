import type { ConnectionSettings, StackSettings } from "../../components/config";
import { tokenLifecycleWarnings } from "../../components/2-auth0-connection/tokenRotation";
import { normalizeTargetAttributeName } from "../../components/helpers/scimAttributes";
import { nearestKey } from "../../components/config/configKeys";
import { DEFAULT_SCIM_MAPPINGS } from "../../components/config/scim";

/** Scopes Auth0 accepts that Entra never uses: it updates users and groups with PATCH (Microsoft's SCIM guide). */
const PUT_SCOPES = ["put:users", "put:groups"];

/** Things that are valid but worth a reviewer's attention, printed by the offline plan. */
export function planWarnings(settings: StackSettings): string[] {
    const warnings: string[] = [];
    for (const c of settings.connections) {
        warnings.push(...tokenLifecycleWarnings(c.name, c.scim, { auth0Only: !c.entra }));
        if (c.entra && !c.entra.provisioningEnabled) {
            warnings.push(`connections ${c.name}: provisioning is off (entra.provisioningEnabled: false); Entra will not sync until it is turned on.`);
        }
        if (c.entra && c.entra.assignments.users.length === 0 && c.entra.assignments.groups.length === 0) {
            warnings.push(`connections ${c.name}: nobody is assigned to the Entra app; with assignment required, nobody can sign in or be provisioned.`);
        }
        const unused = c.scim.tokenScopes.filter((s) => PUT_SCOPES.includes(s));
        if (unused.length > 0) {
            warnings.push(
                `connections ${c.name}: scim.tokenScopes grants ${unused.join(" ")}, which Entra never uses (it updates with PATCH); ` +
                    "drop them so a leaked token can do less (least privilege).",
            );
        }
    }
    for (const c of settings.connections) warnings.push(...scimMappingWarnings(c));
    warnings.push(...signingCertWarnings(settings));
    return warnings;
}

/**
 * The name in `names` nearest to `name` within two edits (a likely typo), if any: long SCIM names (URNs) differ in
 * more than a third of their length from each other, so the config keys' looser bound would pair unrelated ones.
 */
function nearName(name: string, names: readonly string[]): string | undefined {
    return nearestKey(
        name,
        names.filter((n) => n.toLowerCase() !== name.toLowerCase()),
        2,
    );
}

/**
 * Where the two mapping lists do not meet: an attribute Entra is told to send that Auth0 has no mapping for (its
 * value would be dropped; UNCONFIRMED what Auth0 does with an unmapped attribute, no published source says), and a
 * `scim.mappings` name a typo away from one of Auth0's default SCIM attributes.
 */
function scimMappingWarnings(c: ConnectionSettings): string[] {
    const out: string[] = [];
    const auth0Names = c.scim.mappings.map((m) => m.scim);
    const mapped = new Set(auth0Names.map((n) => normalizeTargetAttributeName(n).toLowerCase()));
    for (const m of c.entra?.attributeMappings ?? []) {
        if (m.object !== "User" || mapped.has(normalizeTargetAttributeName(m.targetAttributeName).toLowerCase())) continue;
        const near = nearName(m.targetAttributeName, auth0Names);
        out.push(
            `connections ${c.name}: entra.attributeMappings sends "${m.targetAttributeName}" to Auth0, which scim.mappings does not map` +
                `${near ? ` (did you mean "${near}"?)` : ""}; add {scim: "${m.targetAttributeName}", auth0: ...} to scim.mappings, or Auth0 keeps none of it.`,
        );
    }
    const defaults = DEFAULT_SCIM_MAPPINGS.map((m) => m.scim);
    for (const name of auth0Names) {
        if (defaults.includes(name)) continue;
        const near = nearName(name, defaults);
        if (near) out.push(`connections ${c.name}: scim.mappings maps "${name}", not one of Auth0's default SCIM attributes; did you mean "${near}"?`);
    }
    return out;
}

/**
 * Auth0's `options.signingCert` is now sent as base64 of the whole PEM (issue 12, defect 1). The offline plan cannot see
 * a stack's state, so it names every connection whose certificate Auth0 is sent; a stack deployed with the raw PEM
 * sees them updated in place once.
 */
function signingCertWarnings(settings: StackSettings): string[] {
    // One line per connection: groupWarnings folds them into one warning naming them all.
    return settings.connections
        .filter((c) => c.entra || c.saml?.signingCert)
        .map(
            (c) =>
                `connections ${c.name}: Auth0's options.signingCert is sent as base64 of the whole PEM, the form Auth0's dashboard stores. ` +
                "A stack deployed before this form (a raw PEM, or a DER body) sees each of these Auth0 connections updated in place on its next `pulumi up` " +
                "(no replacement, no new certificate); from then on Auth0 also validates SAML responses that carry no embedded certificate.",
        );
}

/** One warning and every connection it concerns (empty for a stack-wide warning). */
export interface PlanWarning {
    message: string;
    connections: string[];
}

const PREFIX = /^connections ([^:\s]+): /;

/**
 * The same warning for many connections becomes one, naming them all: 1000 connections without a token lifetime
 * read as one line, not 1000. Warnings that differ (another lifetime, another day) stay apart.
 */
export function groupWarnings(lines: readonly string[]): PlanWarning[] {
    const byMessage = new Map<string, PlanWarning>();
    for (const line of lines) {
        const m = PREFIX.exec(line);
        const message = m ? line.slice(m[0].length) : line;
        const entry = byMessage.get(message) ?? { message, connections: [] };
        if (m && !entry.connections.includes(m[1])) entry.connections.push(m[1]);
        byMessage.set(message, entry);
    }
    return [...byMessage.values()];
}

/** `connections a, b, c: message`, listing at most `limit` names ("and 997 more"). */
export function formatWarning(w: PlanWarning, limit = 5): string {
    if (w.connections.length === 0) return w.message;
    const shown = w.connections.slice(0, limit).join(", ");
    const more = w.connections.length > limit ? ` and ${w.connections.length - limit} more` : "";
    return `connections ${shown}${more}: ${w.message}`;
}
