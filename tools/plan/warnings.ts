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
    return warnings;
}
