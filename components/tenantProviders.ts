// Explicit azuread providers for connections in another Entra tenant. Pulumi gives an explicit provider no stack
// config (only the default provider reads `azuread:*`; pulumi/pulumi#4779), so a stack that keeps its Entra
// credentials in `azuread:*` config would create the default tenant's apps and fail in every other tenant. Each
// explicit provider therefore gets the stack's `azuread:*` settings, secrets kept secret, with its own tenantId;
// ARM_* variables it reads itself, as the default provider does.
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { type StackSettings, tenantKey } from "./config";
import { AZUREAD_PROVIDER_KEYS } from "./config/configKeys";

type AzureadKey = (typeof AZUREAD_PROVIDER_KEYS)[number];

/** Settings that are credentials: passed as secrets, as `pulumi config set --secret` stores them. */
const SECRET_SETTINGS: ReadonlySet<AzureadKey> = new Set(["clientSecret", "clientCertificate", "clientCertificatePassword", "oidcToken", "oidcRequestToken"]);
const BOOLEAN_SETTINGS: ReadonlySet<AzureadKey> = new Set(["useOidc", "useAksWorkloadIdentity", "useMsi", "useCli", "disableTerraformPartnerId"]);

/**
 * The stack's `azuread:*` settings for an explicit provider of `tenantId`: every key the provider reads (the list the
 * config check compares with the installed package), the tenant aside.
 */
export function azureadProviderArgs(tenantId: string, config: pulumi.Config = new pulumi.Config("azuread")): azuread.ProviderArgs {
    const args: Record<string, pulumi.Input<string | boolean>> = { tenantId };
    for (const key of AZUREAD_PROVIDER_KEYS) {
        if (key === "tenantId") continue;
        if (BOOLEAN_SETTINGS.has(key)) {
            const flag = config.getBoolean(key);
            if (flag !== undefined) args[key] = flag;
        } else if (SECRET_SETTINGS.has(key)) {
            const secret = config.getSecret(key);
            if (secret !== undefined) args[key] = secret;
        } else {
            const value = config.get(key);
            if (value !== undefined) args[key] = value;
        }
    }
    return args as azuread.ProviderArgs;
}

/** One azuread provider per connection-level tenant, shared by the connections in that tenant. */
export function tenantProviders(settings: StackSettings): Map<string, azuread.Provider> {
    const providers = new Map<string, azuread.Provider>();
    for (const c of settings.connections) {
        const tenantId = c.entra?.tenantIdFromConnection ? c.entra.tenantId : undefined;
        if (tenantId && !providers.has(tenantKey(tenantId))) {
            providers.set(tenantKey(tenantId), new azuread.Provider(`azuread-${tenantId}`, azureadProviderArgs(tenantId)));
        }
    }
    return providers;
}
