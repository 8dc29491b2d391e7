// Synchronization secret keys for the portal's provisioning "Admin Credentials" and "Settings".
import type { SynchronizationSecret, SynchronizationSecretKeyStringValuePair } from "@microsoft/microsoft-graph-types";
import type { EntraSettings } from "../config";

/** One synchronization secret key/value pair (Graph's synchronizationSecretKeyStringValuePair), as azuread takes it. */
export type SynchronizationCredential = Required<Pick<SynchronizationSecretKeyStringValuePair, "key">> & { key: SynchronizationSecret; value: string };

/**
 * `SyncNotificationSettings` holds the failure e-mail notification and accidental-deletion prevention. Its four
 * fields are published in Microsoft's cloud-sync Graph how-to, "Accidental deletes" (MicrosoftDocs/entra-docs
 * docs/identity/hybrid/cloud-sync/how-to-inbound-synch-ms-graph.md; learn.microsoft.com/entra/identity/hybrid/
 * cloud-sync/how-to-inbound-synch-ms-graph#accidental-deletes): `Enabled` (notification e-mails when the job is
 * quarantined), `Recipients`, `DeleteThresholdEnabled`, `DeleteThresholdValue`, sent as a JSON string through
 * PUT .../synchronization/secrets. That page says secrets take no PATCH: a PUT must carry every key to keep it.
 * UNCONFIRMED: the ';' separator between several recipients (the published example has one address).
 */
export function syncNotificationSettings(settings: Pick<EntraSettings, "notificationEmails" | "deletionThreshold">): string {
    return JSON.stringify({
        Enabled: settings.notificationEmails.length > 0,
        Recipients: settings.notificationEmails.join(";"),
        DeleteThresholdEnabled: settings.deletionThreshold !== undefined,
        ...(settings.deletionThreshold !== undefined ? { DeleteThresholdValue: settings.deletionThreshold } : {}),
    });
}

/** The non-secret synchronization secret keys; BaseAddress and SecretToken are added where the token is known. */
export function provisioningSettingsCredentials(settings: Pick<EntraSettings, "notificationEmails" | "deletionThreshold">): SynchronizationCredential[] {
    return [
        { key: "SyncNotificationSettings", value: syncNotificationSettings(settings) },
        // "Scope: sync only assigned users and groups", as assignment is required.
        { key: "SyncAll", value: "false" },
    ];
}

/** Graph's job id from azuread's resource id `/servicePrincipals/{sp}/synchronization/jobs/{jobId}`. */
export function synchronizationJobIdFromResourceId(resourceId: string): string {
    const m = /\/synchronization\/jobs\/([^/]+)$/.exec(resourceId);
    if (!m) throw new Error(`unexpected synchronization job resource id "${resourceId}"`);
    return decodeURIComponent(m[1]);
}
