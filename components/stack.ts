// The stack's program body, apart from index.ts so that tests and the offline plan can drive it
// and so that index.ts exports nothing but stack outputs.
import * as pulumi from "@pulumi/pulumi";
import { type ConnectionConfig, PROJECT, type RawStackConfig, type StackSettings, parseStackConfig, tenantKey } from "./config";
import { ScimConnection, type ScimConnectionOutputs } from "./scimConnection";
import { tenantProviders } from "./tenantProviders";
import { Provider as AzureNativeProvider } from "@pulumi/azure-native/provider";
import { declareSelfServiceProfile } from "./self-service/selfServiceProfile";
import { ProvisioningMonitoring, createProvisioningMonitoring, tenantMonitoringName } from "./monitoring/provisioningMonitoring";

/** A provider's environment fallback; empty counts as unset, as the providers (and the offline plan) read it. */
function fromEnvironment(name: string): string | undefined {
    return process.env[name] || undefined;
}

/** Raw config as the CLI gives it, with the providers' own environment fallbacks. */
export function readRawConfig(): RawStackConfig {
    const project = new pulumi.Config(PROJECT);
    const get = (cfg: pulumi.Config, key: string): unknown => {
        const text = cfg.get(key);
        if (text === undefined) return undefined;
        try {
            return JSON.parse(text);
        } catch {
            return text;
        }
    };
    return {
        auth0Domain: new pulumi.Config("auth0").get("domain") ?? fromEnvironment("AUTH0_DOMAIN"),
        entraTenantId: new pulumi.Config("azuread").get("tenantId") ?? fromEnvironment("ARM_TENANT_ID"),
        tenantName: project.get("tenantName"),
        customDomain: project.get("customDomain"),
        connections: get(project, "connections"),
        monitoring: get(project, "monitoring"),
        selfServiceProfile: get(project, "selfServiceProfile"),
        azureSubscriptionId: new pulumi.Config("azure-native").get("subscriptionId") ?? fromEnvironment("ARM_SUBSCRIPTION_ID"),
        configKeys: Object.keys(pulumi.runtime.allConfig()),
    };
}

/**
 * Declares every connection of validated settings. `configs` are the `connections` entries they were read from, in
 * order: each ScimConnection takes its entry as written (and reads it with the same rules), the stack's tenant values
 * as read, and its tenant's azuread provider in `opts.providers`.
 */
export function declareStack(settings: StackSettings, configs: readonly ConnectionConfig[]): Record<string, ScimConnectionOutputs> {
    if (configs.length !== settings.connections.length) {
        throw new Error(
            `declareStack: ${configs.length} connection configs for ${settings.connections.length} connections; pass the entries the settings were read from.`,
        );
    }
    const providers = tenantProviders(settings);
    const connections: Record<string, ScimConnectionOutputs> = {};
    const profile = settings.selfServiceProfile ? declareSelfServiceProfile(settings.selfServiceProfile) : undefined;
    // Service principals per tenant: Entra's provisioning logs live in each tenant.
    const monitored = new Map<string, pulumi.Output<string>[]>();
    // A loop, not forEach: Pulumi records every resource's whole call stack, and under ts-node each frame of a
    // source file is cloned and source-mapped; the callback is one such frame under every resource (docs/scale.md).
    for (const [i, c] of settings.connections.entries()) {
        const provider = c.entra ? providers.get(tenantKey(c.entra.tenantId)) : undefined;
        const integration = new ScimConnection(
            c.name,
            {
                auth0Domain: settings.auth0Domain,
                auth0TenantName: settings.auth0TenantName,
                customDomain: settings.customDomain,
                entraTenantId: settings.entraTenantId,
                connection: configs[i],
                selfServiceProfileId: profile?.id,
            },
            provider ? { providers: { azuread: provider } } : undefined,
        );
        connections[c.name] = integration.outputs;
        const sp = integration.outputs.entraServicePrincipalId;
        if (sp && c.entra) {
            const ids = monitored.get(tenantKey(c.entra.tenantId)) ?? [];
            ids.push(sp);
            monitored.set(tenantKey(c.entra.tenantId), ids);
        }
    }
    if (settings.monitoring) declareMonitoring(settings, settings.monitoring, monitored);
    return connections;
}

/**
 * The stack's own tenant through the default azure-native provider (azure-native:subscriptionId), unless it has a
 * monitoring.tenants entry; each tenant of monitoring.tenants through an explicit azure-native provider for that
 * tenant and subscription (credentials as azure-native reads them: a multi-tenant app consented in each tenant,
 * OIDC or secret).
 */
function declareMonitoring(
    settings: StackSettings,
    monitoring: NonNullable<StackSettings["monitoring"]>,
    monitored: ReadonlyMap<string, pulumi.Output<string>[]>,
): void {
    const ownKey = settings.entraTenantId !== undefined ? tenantKey(settings.entraTenantId) : undefined;
    const ownHasEntry = ownKey !== undefined && (monitoring.unmonitoredTenants.includes(ownKey) || monitoring.tenants.some((t) => t.tenantId === ownKey));
    const own = ownKey !== undefined && !ownHasEntry ? monitored.get(ownKey) : undefined;
    if (own && own.length > 0) {
        createProvisioningMonitoring("monitoring", { settings: monitoring, servicePrincipalIds: own, tenantId: settings.entraTenantId });
    }
    for (const tenant of monitoring.tenants) {
        const ids = monitored.get(tenant.tenantId);
        if (!ids || ids.length === 0) continue;
        const provider = new AzureNativeProvider(`azure-native-${tenant.tenantId}`, { tenantId: tenant.tenantId, subscriptionId: tenant.subscriptionId });
        // Earlier names of the same monitoring: `monitoring-<tenant id>` (before the workspace-length fix) and, for
        // the stack's own tenant, the top-level `monitoring`. Children inherit the aliases (their names extend the
        // component's), so existing resources move instead of being created anew beside their old selves.
        const aliases: pulumi.Alias[] = [{ name: `monitoring-${tenant.tenantId}` }, ...(tenant.tenantId === ownKey ? [{ name: "monitoring" }] : [])];
        new ProvisioningMonitoring(
            tenantMonitoringName(tenant.tenantId),
            {
                settings: tenant,
                servicePrincipalIds: ids,
                tenantId: tenant.tenantId,
                tenantLabel: tenant.tenantId,
            },
            { providers: [provider], aliases },
        );
    }
}

/** Reads and validates config, then declares every connection; bad config registers nothing. */
export function runStack(raw: RawStackConfig = readRawConfig()): Record<string, ScimConnectionOutputs> {
    // A ConfigError is a pulumi.RunError: the program ends with its message alone, without a stack trace.
    const settings = parseStackConfig(raw);
    // parseStackConfig accepted the list, so each entry is one of settings.connections, in order.
    return declareStack(settings, raw.connections as ConnectionConfig[]);
}
