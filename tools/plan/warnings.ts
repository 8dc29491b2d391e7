import type { StackSettings } from "../../components/config";
import { tokenLifecycleWarnings } from "../../components/2-auth0-connection/tokenRotation";

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
    }
    warnings.push(...signingCertWarnings(settings));
    return warnings;
}

/**
 * Auth0's `options.signingCert` is now sent as base64 of the whole PEM (issue 12, defect 1). The offline plan cannot see
 * a stack's state, so it names every connection whose certificate Auth0 is sent; a stack deployed with the raw PEM
 * sees them updated in place once.
 */
function signingCertWarnings(settings: StackSettings): string[] {
    const names = settings.connections.filter((c) => c.entra || c.saml?.signingCert).map((c) => c.name);
    if (names.length === 0) return [];
    return [
        `connections ${names.join(", ")}: Auth0's options.signingCert is sent as base64 of the whole PEM, the form Auth0's dashboard stores. ` +
            "A stack deployed before this form (a raw PEM, or a DER body) sees each of these Auth0 connections updated in place on its next `pulumi up` " +
            "(no replacement, no new certificate); from then on Auth0 also validates SAML responses that carry no embedded certificate.",
    ];
}
