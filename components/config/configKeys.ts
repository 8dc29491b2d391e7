// Keys of the stack config that nothing reads. A misspelt key is silently ignored by Pulumi: `auth0-entra-scim:monitorng`
// drops a whole monitoring block, `auth0:domian` leaves the provider on AUTH0_DOMAIN from the shell. Every key set in
// our namespace and in the providers' namespaces must be one somebody reads; otherwise it is named with its nearest
// known key.
import type { Reader } from "./reader";

/** The keys this program reads in its own namespace (components/stack.ts readRawConfig). */
export const PROJECT_CONFIG_KEYS = ["tenantName", "customDomain", "connections", "monitoring", "selfServiceProfile"] as const;

/** The keys @pulumi/auth0 3.49.0 reads (its config/vars.js); a test compares this list with the installed package. */
export const AUTH0_PROVIDER_KEYS = [
    "apiToken",
    "audience",
    "cliLogin",
    "clientAssertionPrivateKey",
    "clientAssertionSigningAlg",
    "clientId",
    "clientSecret",
    "customDomainHeader",
    "debug",
    "domain",
    "dynamicCredentials",
] as const;

/** The keys @pulumi/azuread 6.9.1 reads (its config/vars.js); a test compares this list with the installed package. */
export const AZUREAD_PROVIDER_KEYS = [
    "adoPipelineServiceConnectionId",
    "clientCertificate",
    "clientCertificatePassword",
    "clientCertificatePath",
    "clientId",
    "clientIdFilePath",
    "clientSecret",
    "clientSecretFilePath",
    "disableTerraformPartnerId",
    "environment",
    "metadataHost",
    "msiEndpoint",
    "oidcRequestToken",
    "oidcRequestUrl",
    "oidcToken",
    "oidcTokenFilePath",
    "partnerId",
    "tenantId",
    "useAksWorkloadIdentity",
    "useCli",
    "useMsi",
    "useOidc",
] as const;

/**
 * The keys @pulumi/azure-native 3.28.0 reads (its config/vars.js); a test compares this list with the installed package.
 * Monitoring deploys through it, into `subscriptionId`: a misspelt key would leave the subscription to ARM_SUBSCRIPTION_ID.
 */
export const AZURE_NATIVE_PROVIDER_KEYS = [
    "auxiliaryTenantIds",
    "clientCertificatePassword",
    "clientCertificatePath",
    "clientId",
    "clientSecret",
    "disableInstanceDiscovery",
    "disablePulumiPartnerId",
    "environment",
    "location",
    "metadataHost",
    "msiEndpoint",
    "oidcRequestToken",
    "oidcRequestUrl",
    "oidcToken",
    "oidcTokenFilePath",
    "partnerId",
    "subscriptionId",
    "tenantId",
    "useDefaultAzureCredential",
    "useMsi",
    "useOidc",
] as const;

/** Edit distance, case-insensitive (tenantID and tenantId are one key apart in meaning, not two edits). */
function distance(a: string, b: string): number {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
    for (let i = 1; i <= x.length; i++) {
        const row = [i];
        for (let j = 1; j <= y.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
        prev = row;
    }
    return prev[y.length];
}

/** The known key closest to `key`, when it is close enough to be a likely typo (at most a third of it differs). */
export function nearestKey(key: string, known: readonly string[], maxDistance = Math.max(2, Math.ceil(key.length / 3))): string | undefined {
    let best: { key: string; d: number } | undefined;
    for (const k of known) {
        const d = distance(key, k);
        if (!best || d < best.d) best = { key: k, d };
    }
    return best && best.d <= maxDistance ? best.key : undefined;
}

const NAMESPACES: { prefix: string; known: readonly string[]; who: string }[] = [
    { prefix: "auth0-entra-scim", known: PROJECT_CONFIG_KEYS, who: "this program" },
    { prefix: "auth0", known: AUTH0_PROVIDER_KEYS, who: "the auth0 provider" },
    { prefix: "azuread", known: AZUREAD_PROVIDER_KEYS, who: "the azuread provider" },
    { prefix: "azure-native", known: AZURE_NATIVE_PROVIDER_KEYS, who: "the azure-native provider" },
];

/**
 * Reports every key set in config (full names, `namespace:key`) that its namespace's reader does not read.
 * Our own keys are named without the namespace, as every other problem path is.
 */
export function checkConfigKeys(r: Reader, configKeys: readonly string[]): void {
    for (const full of configKeys) {
        const colon = full.indexOf(":");
        const ns = NAMESPACES.find((n) => n.prefix === full.slice(0, colon));
        if (!ns) continue;
        const key = full.slice(colon + 1);
        if (ns.known.includes(key)) continue;
        const near = nearestKey(key, ns.known);
        const path = ns.prefix === "auth0-entra-scim" ? key : full;
        const suggestion = near ? `did you mean ${ns.prefix === "auth0-entra-scim" ? near : `${ns.prefix}:${near}`}? ` : "";
        r.fail(
            path,
            `unknown key: ${ns.who} does not read ${full}, so its value would be ignored. ${suggestion}` +
                `Known keys: ${ns.known.join(", ")}. Rename it (pulumi config rm ${full}; pulumi config set ...).`,
        );
    }
}
