// The whole stack's config: the Auth0 tenant, the Entra tenant, the connections and monitoring, read in one pass.
import { isGuid, tenantKey } from "../helpers/ids";
import { type ConnectionSettings, readConnection } from "./connection";
import { type MonitoringSettings, checkMonitoringCoverage, readMonitoring } from "./monitoring";
import { checkConfigKeys } from "./configKeys";
import { checkCertificateEndDates, checkMonitoringSubscription } from "./deployTraps";
import { ConfigError, HOSTNAME, Reader, isMissing } from "./reader";
import { type SelfServiceProfileSettings, readSelfServiceProfile } from "./selfService";

export const PROJECT = "auth0-entra-scim";

/** Raw values as Pulumi config (and the environment fallbacks) give them. */
export interface RawStackConfig {
    /** `auth0:domain` or AUTH0_DOMAIN. */
    auth0Domain?: unknown;
    /** `azuread:tenantId` or ARM_TENANT_ID. */
    entraTenantId?: unknown;
    /** `auth0-entra-scim:tenantName`. */
    tenantName?: unknown;
    /** `auth0-entra-scim:customDomain`. */
    customDomain?: unknown;
    /** `auth0-entra-scim:connections`. */
    connections?: unknown;
    /** `auth0-entra-scim:monitoring`. */
    monitoring?: unknown;
    /** `auth0-entra-scim:selfServiceProfile`. */
    selfServiceProfile?: unknown;
    /**
     * `azure-native:subscriptionId` or ARM_SUBSCRIPTION_ID: the subscription of the stack's own tenant's monitoring.
     * readRawConfig always sets this key (undefined when neither is set, which monitoring reports); a caller that
     * leaves the key out entirely does not deploy through the default azure-native provider, and is not asked.
     */
    azureSubscriptionId?: unknown;
    /** Every key set in the stack's config (`namespace:key`), when known: keys nothing reads are reported. */
    configKeys?: readonly string[];
}

/** The Auth0 and Entra tenants every connection of a stack shares. */
export interface TenantSettings {
    /** Canonical Auth0 tenant domain: the SCIM endpoint's host. */
    auth0Domain: string;
    /** Tenant name for `urn:auth0:{tenant}:{connection}`. */
    auth0TenantName: string;
    /** Custom domain for the SAML reply URL, when the tenant has one. */
    customDomain?: string;
    /** `azuread:tenantId` (or ARM_TENANT_ID). */
    entraTenantId?: string;
}

export interface StackSettings extends TenantSettings {
    connections: ConnectionSettings[];
    /** Absent: monitoring off. */
    monitoring?: MonitoringSettings;
    /** The profile self-service tickets are issued from; absent: none declared. */
    selfServiceProfile?: SelfServiceProfileSettings;
}

/** Where each tenant value sits in the caller's vocabulary (stack config keys, or ScimConnection's args), and how to set it. */
export interface TenantPaths {
    auth0Domain: string;
    tenantName: string;
    customDomain: string;
    entraTenantId: string;
    /** Ends "is required: ..." for a missing auth0Domain. */
    setAuth0Domain: string;
    /** Ends "cannot be derived from ...; ..." for a tenant name the domain does not give. */
    setTenantName: string;
}

export const STACK_CONFIG_PATHS: TenantPaths = {
    auth0Domain: "auth0:domain",
    tenantName: "tenantName",
    customDomain: "customDomain",
    entraTenantId: "azuread:tenantId",
    setAuth0Domain: "pulumi config set auth0:domain <tenant>.<region>.auth0.com (or set AUTH0_DOMAIN)",
    setTenantName: "set auth0-entra-scim:tenantName",
};

const AUTH0_DOMAIN = /^([a-z0-9][a-z0-9-]*)(?:\.[a-z0-9-]+)?\.auth0(?:app)?\.com$/i;
const TENANT_NAME = /^[a-z0-9][a-z0-9-]{1,62}$/i;

/** Auth0 tenant name from its canonical domain: `acme.us.auth0.com` -> `acme`. */
export function tenantNameFromDomain(domain: string): string | undefined {
    const m = AUTH0_DOMAIN.exec(domain);
    return m ? m[1].toLowerCase() : undefined;
}

/** The tenant values; undefined when one is missing or bad (reported). */
export function readTenants(r: Reader, raw: RawStackConfig, paths: TenantPaths): TenantSettings | undefined {
    const before = r.problems.length;
    const domain = r.string(raw.auth0Domain, paths.auth0Domain, "the canonical Auth0 tenant domain, e.g. acme.eu.auth0.com");
    if (isMissing(raw.auth0Domain)) {
        r.fail(paths.auth0Domain, `is required: ${paths.setAuth0Domain}.`);
    } else if (domain !== undefined && !HOSTNAME.test(domain)) {
        r.fail(paths.auth0Domain, `"${domain}" is not a domain name; use the tenant domain without https://, e.g. acme.eu.auth0.com.`);
    }
    const tenantNameRaw = r.string(raw.tenantName, paths.tenantName, "the Auth0 tenant name, e.g. acme");
    if (tenantNameRaw !== undefined && !TENANT_NAME.test(tenantNameRaw)) {
        r.fail(paths.tenantName, `"${tenantNameRaw}" is not an Auth0 tenant name (letters, digits, '-').`);
    }
    const tenantName = tenantNameRaw ?? (domain ? tenantNameFromDomain(domain) : undefined);
    if (domain !== undefined && HOSTNAME.test(domain) && tenantName === undefined) {
        r.fail(paths.tenantName, `cannot be derived from ${paths.auth0Domain} "${domain}" (not *.auth0.com); ${paths.setTenantName} to the tenant's name.`);
    }
    const customDomain = r.string(raw.customDomain, paths.customDomain, "the Auth0 custom domain, e.g. login.example.com");
    if (customDomain !== undefined && !HOSTNAME.test(customDomain)) {
        r.fail(paths.customDomain, `"${customDomain}" is not a domain name; use the host only, e.g. login.example.com.`);
    }
    const entraTenantId = r.string(raw.entraTenantId, paths.entraTenantId, "the Entra tenant id");
    if (entraTenantId !== undefined && !isGuid(entraTenantId)) {
        r.fail(paths.entraTenantId, `"${entraTenantId}" is not a tenant id: use the Directory (tenant) ID GUID.`);
    }
    if (domain === undefined || tenantName === undefined || r.problems.length > before) return undefined;
    return {
        auth0Domain: domain.toLowerCase(),
        auth0TenantName: tenantName,
        ...(customDomain ? { customDomain: customDomain.toLowerCase() } : {}),
        ...(entraTenantId !== undefined && isGuid(entraTenantId) ? { entraTenantId } : {}),
    };
}

/** The default tenant of managed apps as connections see it: a valid tenant id, whatever else is wrong. */
export function validEntraTenant(v: unknown): string | undefined {
    return typeof v === "string" && isGuid(v) ? v : undefined;
}

function readConnections(r: Reader, v: unknown, stackTenant: string | undefined, stackTenantMalformed: boolean): ConnectionSettings[] {
    const entraDefaults = {
        tenantId: stackTenant,
        defaultMalformed: stackTenantMalformed,
        setTenantId: "set azuread:tenantId (pulumi config set azuread:tenantId <guid>), ARM_TENANT_ID, or this key",
    };
    const connections: ConnectionSettings[] = [];
    const indexOf = new Map<ConnectionSettings, number>();
    const list = r.array(v, "connections", "a list of connections");
    if (isMissing(v)) {
        r.fail("connections", "is required: a list with at least one connection (see Pulumi.example.yaml).");
    } else if (list && list.length === 0) {
        r.fail("connections", "is empty: declare at least one connection (see Pulumi.example.yaml).");
    }
    const seen = new Map<string, number>();
    (list ?? []).forEach((item, i) => {
        const c = readConnection(r, item, `connections[${i}]`, entraDefaults);
        if (!c) return;
        // Auth0 connection names are unique per tenant, case-insensitively.
        const first = seen.get(c.name.toLowerCase());
        if (first !== undefined) {
            r.fail(`connections[${i}].name`, `"${c.name}" is already used by connections[${first}]; connection names are unique per Auth0 tenant.`);
            return;
        }
        seen.set(c.name.toLowerCase(), i);
        connections.push(c);
        indexOf.set(c, i);
    });
    const appNames = new Map<string, ConnectionSettings>();
    for (const c of connections) {
        if (!c.entra) continue;
        const key = `${tenantKey(c.entra.tenantId)}/${c.entra.appName.toLowerCase()}`;
        const first = appNames.get(key);
        if (first)
            r.fail(
                `connections[${indexOf.get(c)}].entra.appName`,
                `"${c.entra.appName}" is already the app of connections[${indexOf.get(first)}] (${first.name}) in the same tenant; give each enterprise app its own name.`,
            );
        else appNames.set(key, c);
    }
    return connections;
}

/**
 * Validates the raw stack config. Returns typed settings, or throws one ConfigError with every problem.
 * `now` (default: the clock) is what dates such as entra.certificateEndDate must lie after.
 */
export function parseStackConfig(raw: RawStackConfig, options: { now?: Date } = {}): StackSettings {
    const r = new Reader();
    if (raw.configKeys) checkConfigKeys(r, raw.configKeys);
    const tenants = readTenants(r, raw, STACK_CONFIG_PATHS);
    const stackTenant = validEntraTenant(raw.entraTenantId);
    // A malformed azuread:tenantId is reported at its own path: connections do not report it again as missing.
    const connections = readConnections(r, raw.connections, stackTenant, stackTenant === undefined && !isMissing(raw.entraTenantId));
    const selfServiceNames = connections.filter((c) => c.selfService).map((c) => c.name);
    const selfServiceProfile = readSelfServiceProfile(r, raw.selfServiceProfile, selfServiceNames);
    checkCertificateEndDates(r, raw.connections, options.now ?? new Date());
    const monitoringRead = readMonitoring(r, raw.monitoring);
    if (monitoringRead && !r.failedAt("connections")) {
        checkMonitoringCoverage(r, monitoringRead, connections, stackTenant);
        if ("azureSubscriptionId" in raw) checkMonitoringSubscription(r, raw.azureSubscriptionId, monitoringRead.settings, connections, stackTenant);
    }
    if (r.problems.length > 0 || !tenants) throw new ConfigError(r.problems);
    return {
        ...tenants,
        connections,
        ...(monitoringRead ? { monitoring: monitoringRead.settings } : {}),
        ...(selfServiceProfile ? { selfServiceProfile } : {}),
    };
}
