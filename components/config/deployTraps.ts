// Config that passes every shape check but would only fail at `pulumi up` (or, worse, deploy something broken):
// checked up front so the plan and `pulumi preview` report it with its config path.
import { isGuid, tenantKey } from "../helpers/ids";
import type { ConnectionSettings } from "./connection";
import type { MonitoringSettings } from "./monitoring";
import { type Reader, isMissing } from "./reader";

export const SUBSCRIPTION_PATH = "azure-native:subscriptionId";

/**
 * A certificateEndDate already past would give the app a signing certificate that is expired from the start: SAML
 * sign-in through it cannot work. (UNCONFIRMED: whether Graph refuses such an endDate at `pulumi up` or creates an
 * expired certificate; Microsoft's docs do not say. Either way the value is wrong.)
 */
export function checkCertificateEndDates(r: Reader, rawConnections: unknown, now: Date): void {
    if (!Array.isArray(rawConnections)) return;
    rawConnections.forEach((c: unknown, i) => {
        const entra = c && typeof c === "object" ? (c as { entra?: unknown }).entra : undefined;
        const end = entra && typeof entra === "object" ? (entra as { certificateEndDate?: unknown }).certificateEndDate : undefined;
        const path = `connections[${i}].entra.certificateEndDate`;
        if (typeof end !== "string" || Number.isNaN(Date.parse(end)) || r.failedAt(path)) return;
        if (Date.parse(end) <= now.getTime()) {
            r.fail(
                path,
                `"${end}" is in the past (today is ${now.toISOString().slice(0, 10)}): the SAML signing certificate would be expired from the start. ` +
                    "Set a future date (a new date creates a new certificate, and Auth0 gets it), or remove the key for Entra's default of three years.",
            );
        }
    });
}

/**
 * Monitoring of the stack's own tenant goes through the default azure-native provider, which needs a subscription for
 * the workspace and alert. Without one, the plan and preview look fine and `pulumi up` fails (or uses whatever
 * subscription the Azure CLI has selected: UNCONFIRMED offline), so the subscription must be named.
 */
export function checkMonitoringSubscription(
    r: Reader,
    subscriptionId: unknown,
    monitoring: MonitoringSettings,
    connections: readonly ConnectionSettings[],
    stackTenant: string | undefined,
): void {
    if (stackTenant === undefined) return;
    const own = tenantKey(stackTenant);
    const hasEntry = monitoring.unmonitoredTenants.includes(own) || monitoring.tenants.some((t) => t.tenantId === own);
    const monitored = !hasEntry && connections.some((c) => c.entra && tenantKey(c.entra.tenantId) === own);
    if (!monitored) return;
    if (isMissing(subscriptionId) || subscriptionId === "") {
        r.fail(
            SUBSCRIPTION_PATH,
            `is required: monitoring watches the stack's own tenant ${stackTenant} from a subscription of its, for the workspace and alert. ` +
                "Set it (pulumi config set azure-native:subscriptionId <guid>, or ARM_SUBSCRIPTION_ID), or give the tenant a " +
                `monitoring.tenants.${stackTenant} entry with its subscriptionId.`,
        );
    } else if (typeof subscriptionId !== "string" || !isGuid(subscriptionId)) {
        r.fail(SUBSCRIPTION_PATH, `${JSON.stringify(subscriptionId)} is not a subscription id (a GUID).`);
    }
}
