// Synchronization secret keys for the portal's provisioning "Admin Credentials" and "Settings".
import type { EntraSettings } from "../config";

export interface SynchronizationCredential {
    key: string;
    value: string;
}

/**
 * `SyncNotificationSettings` holds the failure e-mail notification and accidental-deletion prevention.
 * Only `Enabled` and `DeleteThresholdEnabled` are documented by Microsoft; `Recipients` (';'-separated)
 * and `DeleteThresholdValue` are the names reported in the field (shared/reference/entra-provisioning.md).
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
