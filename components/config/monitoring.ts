// `auth0-entra-scim:monitoring`: opt-in Azure Monitor alerts on Entra provisioning failures and quarantine, per tenant.
import { isGuid, tenantKey } from "../helpers/ids";
import type { ConnectionSettings } from "./connection";
import { type Raw, type Reader, type Settled, isEmail, isMissing, join, knownKeys } from "./reader";

/** The evaluation frequencies Azure Monitor's log search alert rules accept, in minutes. */
export const MONITORING_FREQUENCIES_MINUTES = [5, 10, 15, 30, 45, 60, 120, 180, 240, 300, 360, 1440] as const;

/** The smallest supported evaluation frequency at least `minutes` long (never more often than asked). */
export function supportedFrequencyMinutes(minutes: number): number {
    return MONITORING_FREQUENCIES_MINUTES.find((f) => f >= minutes) ?? MONITORING_FREQUENCIES_MINUTES[MONITORING_FREQUENCIES_MINUTES.length - 1];
}

/** Where one tenant's provisioning logs go and who hears about failures, as written in config. */
export interface MonitoringTargetConfig {
    /** An existing Azure resource group for the workspace and alert. Required at the top level. */
    resourceGroupName?: string;
    /** An Azure region such as westeurope. Required at the top level. */
    location?: string;
    /** ARM id of an existing Log Analytics workspace. Default: the stack creates one. */
    logAnalyticsWorkspaceId?: string;
    /** Who the alert e-mails; at least one. Required at the top level. */
    alertEmails?: string[];
    /** How often the alert query runs, in minutes (one of MONITORING_FREQUENCIES_MINUTES). Default 15. */
    evaluationFrequencyMinutes?: number;
}

/** `monitoring.tenants.<tenant id>`: another Entra tenant, monitored from a subscription of its own. */
export interface MonitoringTenantConfig extends MonitoringTargetConfig {
    /** false: leave this tenant unmonitored. Default true. */
    enabled?: boolean;
    /** Subscription (in that tenant) for its workspace, action group and alert. Required when enabled. */
    subscriptionId?: string;
}

/** `auth0-entra-scim:monitoring` as written in config; unset keys of a tenant entry come from the top level. */
export interface MonitoringConfig extends MonitoringTargetConfig {
    /** Default false: monitoring off. */
    enabled?: boolean;
    /** Per tenant id, the tenants monitored apart from the stack's own. */
    tenants?: Record<string, MonitoringTenantConfig>;
}

/** A monitoring target with defaults applied. */
export type MonitoringTarget = Settled<MonitoringTargetConfig, "logAnalyticsWorkspaceId">;

/** Another Entra tenant of the stack's connections, monitored from a subscription of its own. */
export interface MonitoringTenantSettings extends MonitoringTarget {
    /** Lower-case tenant id. */
    tenantId: string;
    /** Subscription (in that tenant) for its workspace, action group and alert. */
    subscriptionId: string;
}

/**
 * Top level: the stack's own tenant (azuread:tenantId), through the default azure-native provider, unless
 * `monitoring.tenants` has an entry for it.
 */
export interface MonitoringSettings extends MonitoringTarget {
    /** Tenants with managed connections monitored from their `monitoring.tenants` entry (the enabled ones). */
    tenants: MonitoringTenantSettings[];
    /** Lower-case ids of the tenants whose entry says `enabled: false`. */
    unmonitoredTenants: string[];
}

const TARGET_KEYS = {
    resourceGroupName: true,
    location: true,
    logAnalyticsWorkspaceId: true,
    alertEmails: true,
    evaluationFrequencyMinutes: true,
} as const;
export const MONITORING_KEYS = knownKeys<MonitoringConfig>({ enabled: true, ...TARGET_KEYS, tenants: true });
export const MONITORING_TENANT_KEYS = knownKeys<MonitoringTenantConfig>({ enabled: true, subscriptionId: true, ...TARGET_KEYS });

const ARM_WORKSPACE_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+$/i;

/**
 * One tenant's monitoring target. With `defaults` (a tenant entry), every key but the workspace falls back to the
 * top level; without (the top level), resourceGroupName, location and alertEmails are required.
 */
function readMonitoringTarget(r: Reader, raw: Raw<MonitoringTargetConfig>, path: string, defaults?: MonitoringTarget): MonitoringTarget | undefined {
    const rgPath = join(path, "resourceGroupName");
    const resourceGroupName = r.string(raw.resourceGroupName, rgPath, "the Azure resource group for the workspace and alert") ?? defaults?.resourceGroupName;
    if (isMissing(raw.resourceGroupName) && !defaults) r.fail(rgPath, "is required when monitoring is enabled: an existing Azure resource group.");
    const locationPath = join(path, "location");
    const location = r.string(raw.location, locationPath, "an Azure region such as westeurope") ?? defaults?.location;
    if (isMissing(raw.location) && !defaults) r.fail(locationPath, "is required when monitoring is enabled: an Azure region such as westeurope.");
    const wsPath = join(path, "logAnalyticsWorkspaceId");
    const logAnalyticsWorkspaceId = r.string(raw.logAnalyticsWorkspaceId, wsPath, "ARM id of an existing Log Analytics workspace");
    if (logAnalyticsWorkspaceId !== undefined && !ARM_WORKSPACE_ID.test(logAnalyticsWorkspaceId)) {
        r.fail(wsPath, "must be an ARM id: /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>.");
    }
    const alertEmails = readAlertEmails(r, raw.alertEmails, join(path, "alertEmails"), defaults);
    const evaluationFrequencyMinutes = readFrequency(r, raw.evaluationFrequencyMinutes, join(path, "evaluationFrequencyMinutes"), defaults);
    if (resourceGroupName === undefined || location === undefined) return undefined;
    return { resourceGroupName, location, ...(logAnalyticsWorkspaceId ? { logAnalyticsWorkspaceId } : {}), alertEmails, evaluationFrequencyMinutes };
}

function readAlertEmails(r: Reader, v: unknown, emailsPath: string, defaults: MonitoringTarget | undefined): string[] {
    const listed = r.stringList(
        v,
        emailsPath,
        "e-mail addresses",
        r.matching(isEmail, (s) => `"${s}" is not an e-mail address.`),
    );
    // A tenant entry answers only for the values it sets; inherited ones are checked at the top level.
    const inherits = isMissing(v) && defaults !== undefined;
    const alertEmails = inherits ? defaults.alertEmails : listed;
    if (!inherits && alertEmails.length === 0 && !r.failedAt(emailsPath)) {
        r.fail(emailsPath, "needs at least one address: the alert has nobody to notify otherwise.");
    }
    return alertEmails;
}

function readFrequency(r: Reader, v: unknown, frequencyPath: string, defaults: MonitoringTarget | undefined): number {
    const minutes = r.integer(v, frequencyPath, 5, 1440, "minutes between alert evaluations") ?? defaults?.evaluationFrequencyMinutes ?? 15;
    const inherits = isMissing(v) && defaults !== undefined;
    if (!inherits && !(MONITORING_FREQUENCIES_MINUTES as readonly number[]).includes(minutes) && !r.problems.some((p) => p.path === frequencyPath)) {
        r.fail(
            frequencyPath,
            `must be one of ${MONITORING_FREQUENCIES_MINUTES.join(", ")} (the frequencies Azure Monitor's log alerts accept); ` +
                `got ${minutes}, use ${supportedFrequencyMinutes(minutes)}.`,
        );
    }
    return minutes;
}

export interface MonitoringRead {
    settings: MonitoringSettings;
    /** Every `monitoring.tenants` key, lower-cased, enabled or not: the tenants the config speaks for. */
    listedTenants: Map<string, string>;
}

export function readMonitoring(r: Reader, v: unknown): MonitoringRead | undefined {
    const path = "monitoring";
    const raw = r.block<MonitoringConfig>(v, path, "{enabled, resourceGroupName, location, alertEmails, ...}", MONITORING_KEYS);
    if (!raw) return undefined;
    // A block without `enabled` would be off by default, silently and unchecked: a user who wrote one meant something.
    if (raw.enabled === undefined && Object.keys(raw).length > 0) {
        r.fail(join(path, "enabled"), "is required when a monitoring block is set: true deploys the alerts, false keeps the block and deploys none.");
        return undefined;
    }
    const enabled = r.boolean(raw.enabled, join(path, "enabled")) ?? false;
    if (!enabled) return undefined;
    const top = readMonitoringTarget(r, raw, path);

    const tenantsPath = join(path, "tenants");
    const rawTenants = r.object(raw.tenants, tenantsPath, "{<tenant id>: {subscriptionId, ...}}") ?? {};
    const tenants: MonitoringTenantSettings[] = [];
    const unmonitoredTenants: string[] = [];
    const listedTenants = new Map<string, string>();
    // Entries are checked even when the top level is incomplete (reported there): inherited values are not checked.
    const inherited: MonitoringTarget = top ?? { resourceGroupName: "", location: "", alertEmails: [], evaluationFrequencyMinutes: 15 };
    for (const [key, value] of Object.entries(rawTenants)) {
        const entryPath = join(tenantsPath, key);
        if (!isGuid(key)) {
            r.fail(entryPath, `"${key}" is not a tenant id: key each entry by the Directory (tenant) ID GUID.`);
            continue;
        }
        const tenantId = tenantKey(key);
        if (listedTenants.has(tenantId)) {
            r.fail(entryPath, `is the same tenant as ${join(tenantsPath, listedTenants.get(tenantId)!)}.`);
            continue;
        }
        listedTenants.set(tenantId, key);
        const entry = readMonitoringTenant(r, value, entryPath, tenantId, inherited);
        if (entry === "off") unmonitoredTenants.push(tenantId);
        else if (top && entry) tenants.push(entry);
    }
    if (!top) return undefined;
    return { settings: { ...top, tenants, unmonitoredTenants }, listedTenants };
}

/** A `monitoring.tenants` entry: its settings, "off" for `enabled: false`, or undefined when it has problems. */
function readMonitoringTenant(
    r: Reader,
    value: unknown,
    entryPath: string,
    tenantId: string,
    inherited: MonitoringTarget,
): MonitoringTenantSettings | "off" | undefined {
    const shape = "{subscriptionId, resourceGroupName?, location?, alertEmails?, ...} or {enabled: false}";
    const entry = r.block<MonitoringTenantConfig>(value, entryPath, shape, MONITORING_TENANT_KEYS);
    if (!entry) {
        // An empty entry would otherwise count as covering the tenant while monitoring nothing.
        if (isMissing(value)) r.fail(entryPath, `is empty: give it ${shape}.`);
        return undefined;
    }
    const enabled = r.boolean(entry.enabled, join(entryPath, "enabled")) !== false;
    const subPath = join(entryPath, "subscriptionId");
    const subscriptionId = r.string(entry.subscriptionId, subPath, "the Azure subscription for this tenant's workspace and alert");
    const validSubscription = subscriptionId !== undefined && isGuid(subscriptionId);
    // Settings kept while a tenant is switched off are checked too: they must be valid when it is switched back on.
    if (subscriptionId !== undefined && !validSubscription) r.fail(subPath, `"${subscriptionId}" is not a subscription id (a GUID).`);
    if (enabled && isMissing(entry.subscriptionId)) {
        r.fail(
            subPath,
            "is required: the subscription (in this tenant) for its workspace, action group and alert; or set enabled: false to leave the tenant unmonitored.",
        );
    }
    const target = readMonitoringTarget(r, entry, entryPath, inherited);
    if (!enabled) return "off";
    if (!target || !validSubscription) return undefined;
    return { ...target, tenantId, subscriptionId: subscriptionId.toLowerCase() };
}

/**
 * Every tenant with managed connections is either the stack's own (the top-level settings) or has a
 * `monitoring.tenants` entry (monitored, or enabled: false); entries name such tenants; something is monitored.
 * An entry for the stack's own tenant takes precedence over the top level, so a tenant-group stack's config means
 * the same whichever tenant ARM_TENANT_ID (the fallback for azuread:tenantId) names where it runs.
 */
export function checkMonitoringCoverage(r: Reader, m: MonitoringRead, connections: readonly ConnectionSettings[], stackTenant: string | undefined): void {
    const own = stackTenant === undefined ? undefined : tenantKey(stackTenant);
    const byTenant = new Map<string, string[]>();
    for (const c of connections) {
        if (!c.entra) continue;
        const key = tenantKey(c.entra.tenantId);
        byTenant.set(key, [...(byTenant.get(key) ?? []), c.name]);
    }
    for (const [tenantId, names] of byTenant) {
        if (tenantId === own || m.listedTenants.has(tenantId)) continue;
        r.fail(
            "monitoring.tenants",
            `connections ${names.join(", ")} manage apps in tenant ${tenantId}, which monitoring does not cover: add ` +
                `monitoring.tenants.${tenantId} with the subscriptionId for its workspace and alert, or with enabled: false to leave it unmonitored.`,
        );
    }
    for (const [tenantId, key] of m.listedTenants) {
        const path = `monitoring.tenants.${key}`;
        if (!byTenant.has(tenantId)) r.fail(path, "no connection manages an Entra app in this tenant; fix the tenant id or remove the entry.");
    }
    const ownMonitored = own !== undefined && byTenant.has(own) && !m.listedTenants.has(own);
    if (connections.length > 0 && !ownMonitored && m.settings.tenants.length === 0 && !r.failedAt("monitoring")) {
        if (byTenant.size > 0) {
            // Every tenant with managed connections has an entry (else reported above), and each says enabled: false.
            const off = [...byTenant.keys()].map((t) => `monitoring.tenants.${m.listedTenants.get(t)}`);
            r.fail(
                "monitoring.enabled",
                `is true, but every tenant with managed connections is switched off (${off.join(", ")}: enabled: false), ` +
                    "so there is nothing to monitor. Switch one of them on, or set monitoring.enabled to false.",
            );
        } else {
            r.fail(
                "monitoring.enabled",
                `is true, but no connection manages an Entra app in the stack's tenant (azuread:tenantId${stackTenant ? ` ${stackTenant}` : ""}) ` +
                    "or in a tenant of monitoring.tenants, so there is nothing to monitor. Set monitoring.enabled to false, or give a connection an entra block.",
            );
        }
    }
}
