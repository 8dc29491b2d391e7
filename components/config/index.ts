// The stack's config contract: raw values in, one typed settings object out, or every problem at once.
// Pure: no Pulumi runtime, no I/O. index.ts reads the raw values; the plan CLI and tests call this directly.
import { type ConnectionAccessSettings, readConnectionAccess } from "./access";
import { type SelfServiceProfileSettings, type SelfServiceSettings, readSelfService, readSelfServiceProfile } from "./selfService";

export const PROJECT = "auth0-entra-scim";

/** Scopes Entra needs to provision users (Auth0's walkthrough). */
export const USER_TOKEN_SCOPES = ["get:users", "post:users", "patch:users", "delete:users"] as const;
/** Scopes Entra needs to provision groups; only when groups are provisioned. */
export const GROUP_TOKEN_SCOPES = ["get:groups", "post:groups", "patch:groups", "delete:groups"] as const;
/** Every scope the Management API accepts for a SCIM token. */
export const KNOWN_TOKEN_SCOPES = [...USER_TOKEN_SCOPES, "put:users", ...GROUP_TOKEN_SCOPES, "put:groups"] as const;

export const WORK_EMAIL_SCIM = 'emails[type eq "work"].value';
export const WORK_EMAIL_MAPPING: ScimMapping = { scim: WORK_EMAIL_SCIM, auth0: "email" };

/**
 * The mapping the stack sends to Auth0. PATCH replaces the whole list, so it must be complete.
 * It is Auth0's recorded default list (fixtures/auth0-scim-configuration-default-mapping-response-okta.json)
 * with the two edits Auth0's SAML guides make: userName -> username, and the work email replacing
 * `emails[primary eq true].value` (seed walkthrough, step 3B).
 */
export const DEFAULT_SCIM_MAPPINGS: readonly ScimMapping[] = [
    { scim: "userName", auth0: "username" },
    WORK_EMAIL_MAPPING,
    { scim: "externalId", auth0: "app_metadata.external_id" },
    { scim: "active", auth0: "blocked" },
    { scim: "displayName", auth0: "name" },
    { scim: "name.givenName", auth0: "given_name" },
    { scim: "name.familyName", auth0: "family_name" },
    { scim: "name.middleName", auth0: "app_metadata.middle_name" },
    { scim: "name.honorificPrefix", auth0: "app_metadata.honorific_prefix" },
    { scim: "name.honorificSuffix", auth0: "app_metadata.honorific_suffix" },
    { scim: "nickName", auth0: "nickname" },
    { scim: 'photos[type eq "photo"].value', auth0: "picture" },
    { scim: "phoneNumbers[primary eq true].value", auth0: "app_metadata.primary_phone_number" },
    { scim: 'phoneNumbers[type eq "mobile"].value', auth0: "app_metadata.mobile_phone_number" },
    { scim: 'addresses[type eq "work"].streetAddress', auth0: "app_metadata.street_address" },
    { scim: 'addresses[type eq "work"].locality', auth0: "app_metadata.city" },
    { scim: 'addresses[type eq "work"].region', auth0: "app_metadata.state" },
    { scim: 'addresses[type eq "work"].postalCode', auth0: "app_metadata.postal_code" },
    { scim: 'addresses[type eq "work"].formatted', auth0: "app_metadata.postal_address" },
    { scim: 'addresses[type eq "work"].country', auth0: "app_metadata.country" },
    { scim: "profileUrl", auth0: "app_metadata.profile_url" },
    { scim: "userType", auth0: "app_metadata.user_type" },
    { scim: "title", auth0: "app_metadata.title" },
    { scim: "preferredLanguage", auth0: "app_metadata.language" },
    { scim: "locale", auth0: "app_metadata.locale" },
    { scim: "timezone", auth0: "app_metadata.timezone" },
    { scim: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.employeeNumber", auth0: "app_metadata.employee_id" },
    { scim: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.costCenter", auth0: "app_metadata.cost_center" },
    { scim: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.organization", auth0: "app_metadata.organization" },
    { scim: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.division", auth0: "app_metadata.division" },
    { scim: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.department", auth0: "app_metadata.department" },
    { scim: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.manager", auth0: "app_metadata.manager" },
];

export type SetUserRootAttributes = "on_each_login" | "on_first_login" | "never_on_login";
const SET_USER_ROOT_ATTRIBUTES: readonly SetUserRootAttributes[] = ["on_each_login", "on_first_login", "never_on_login"];

export interface ScimMapping {
    scim: string;
    auth0: string;
}

export interface ScimSettings {
    /** SCIM attribute holding the user id; `userName` for SAML (the walkthrough's step 3A). */
    userIdAttribute: string;
    /** The complete mapping sent to Auth0: defaults with config merged over them by `scim` attribute. */
    mappings: ScimMapping[];
    /** Token scopes, sorted in the order of KNOWN_TOKEN_SCOPES. */
    tokenScopes: string[];
    /** Token lifetime in days; undefined = a token that never expires. */
    tokenLifetimeDays?: number;
    /** Rotate the token this many days after it was created; must be shorter than the lifetime. */
    tokenRotationDays?: number;
}

/** One extra or overridden attribute mapping in the Entra provisioning schema (User or Group object). */
export interface EntraAttributeMapping {
    /** Auth0-side SCIM attribute, e.g. `title` or `urn:...:enterprise:2.0:User.department`. */
    targetAttributeName: string;
    /** Entra attribute name (`jobTitle`) or constant value. */
    source: string;
    sourceType: "Attribute" | "Constant";
    object: "User" | "Group";
    flowType: "Always" | "ObjectAddOnly";
    /** > 0 makes this a matching attribute; lower is tried first. */
    matchingPriority?: number;
}

export interface EntraSettings {
    /** Display name of the enterprise application. */
    appName: string;
    /** Entra tenant id that owns the app: `entra.tenantId`, else `azuread:tenantId`. */
    tenantId: string;
    /** True when the connection names its own tenant (it then gets its own azuread provider). */
    tenantIdFromConnection: boolean;
    assignments: { users: string[]; groups: string[] };
    /** "Provision Entra ID Groups": Enabled (true) or Disabled (false). */
    provisionGroups: boolean;
    /** Provisioning status On (true) or Off (false). */
    provisioningEnabled: boolean;
    /** Failure notification e-mail recipients (provisioning Settings); empty = notification off. */
    notificationEmails: string[];
    /** Accidental-deletion threshold (provisioning Settings); undefined = prevention off. */
    deletionThreshold?: number;
    /** Matching precedence of `emails[type eq "work"].value` <- `mail` (walkthrough: 2). */
    emailMatchingPrecedence: number;
    attributeMappings: EntraAttributeMapping[];
    /** Users and groups to provision on demand once, as the walkthrough's test step. */
    provisionOnDemand: { users: string[]; groups: string[] };
    /** End date of the SAML token signing certificate (RFC 3339); undefined = Entra's default (3 years). */
    certificateEndDate?: string;
}

export interface SamlSettings {
    metadataUrl?: string;
    signInEndpoint?: string;
    signOutEndpoint?: string;
    /** Base64 PEM/CER of the IdP signing certificate. */
    signingCert?: string;
}

export interface ConnectionSettings extends ConnectionAccessSettings {
    /** The Auth0 connection name. */
    name: string;
    displayName?: string;
    /** Auth0 `set_user_root_attributes`; default `on_first_login` (sync at each login off). */
    setUserRootAttributes: SetUserRootAttributes;
    domainAliases: string[];
    scim: ScimSettings;
    /** Absent: Auth0 side only; the customer's admin configures Entra. */
    entra?: EntraSettings;
    /** Required without `entra` and `selfService`; ignored with it (the stack's own certificate is used). */
    saml?: SamlSettings;
    /** The customer's admin configures the IdP and their SCIM tokens in Auth0's hosted flow (docs/b2b.md). */
    selfService?: SelfServiceSettings;
}

/** Where one tenant's provisioning logs go and who hears about failures. */
export interface MonitoringTarget {
    resourceGroupName: string;
    location: string;
    /** ARM id of an existing Log Analytics workspace; absent: the stack creates one. */
    logAnalyticsWorkspaceId?: string;
    alertEmails: string[];
    /** How often the alert query runs, in minutes. */
    evaluationFrequencyMinutes: number;
}

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

export interface StackSettings {
    /** Canonical Auth0 tenant domain: the SCIM endpoint's host. */
    auth0Domain: string;
    /** Tenant name for `urn:auth0:{tenant}:{connection}`. */
    auth0TenantName: string;
    /** Custom domain for the SAML reply URL, when the tenant has one. */
    customDomain?: string;
    /** `azuread:tenantId` (or ARM_TENANT_ID). */
    entraTenantId?: string;
    connections: ConnectionSettings[];
    /** Absent: monitoring off. */
    monitoring?: MonitoringSettings;
    /** The profile self-service tickets are issued from; absent: none declared. */
    selfServiceProfile?: SelfServiceProfileSettings;
}

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
}

export interface ConfigProblem {
    /** Config path, e.g. `connections[2].entra.assignments.groups[0]` or `auth0:domain`. */
    path: string;
    message: string;
}

export class ConfigError extends Error {
    constructor(readonly problems: ConfigProblem[]) {
        super(formatProblems(problems));
        this.name = "ConfigError";
    }
}

export function formatProblems(problems: ConfigProblem[]): string {
    const n = problems.length;
    return [
        `Invalid stack configuration: ${n} problem${n === 1 ? "" : "s"}; nothing was registered.`,
        ...problems.map((p) => `  - ${p.path}: ${p.message}`),
    ].join("\n");
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Auth0: letters, digits and '-', not starting or ending with '-', at most 128 characters.
const CONNECTION_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,126}[A-Za-z0-9])?$/;
const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const AUTH0_DOMAIN = /^([a-z0-9][a-z0-9-]*)(?:\.[a-z0-9-]+)?\.auth0(?:app)?\.com$/i;
const TENANT_NAME = /^[a-z0-9][a-z0-9-]{1,62}$/i;
const ARM_WORKSPACE_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+$/i;

type Obj = Record<string, unknown>;

/** Collects problems while walking raw config; every reader returns undefined on a bad value. */
class Reader {
    readonly problems: ConfigProblem[] = [];

    fail(path: string, message: string): undefined {
        this.problems.push({ path, message });
        return undefined;
    }

    object(v: unknown, path: string, hint: string): Obj | undefined {
        if (v === undefined || v === null) return undefined;
        if (typeof v !== "object" || Array.isArray(v)) return this.fail(path, `must be an object (${hint}); got ${describe(v)}.`);
        return v as Obj;
    }

    /** Rejects keys the contract does not know, so a typo does not silently fall back to a default. */
    keys(o: Obj, path: string, known: readonly string[]): void {
        for (const k of Object.keys(o)) {
            if (!known.includes(k)) {
                this.fail(join(path, k), `unknown key. Known keys here: ${known.join(", ")}.`);
            }
        }
    }

    string(v: unknown, path: string, hint: string): string | undefined {
        if (v === undefined || v === null) return undefined;
        if (typeof v !== "string") return this.fail(path, `must be a string (${hint}); got ${describe(v)}.`);
        if (v.trim() === "") return this.fail(path, `must not be empty (${hint}).`);
        return v;
    }

    boolean(v: unknown, path: string): boolean | undefined {
        if (v === undefined || v === null) return undefined;
        if (typeof v === "boolean") return v;
        // Pulumi's `config set` stores scalars as strings.
        if (v === "true") return true;
        if (v === "false") return false;
        return this.fail(path, `must be true or false; got ${describe(v)}.`);
    }

    integer(v: unknown, path: string, min: number, max: number, hint: string): number | undefined {
        if (v === undefined || v === null) return undefined;
        const n = typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
        if (typeof n !== "number" || !Number.isInteger(n)) return this.fail(path, `must be a whole number (${hint}); got ${describe(v)}.`);
        if (n < min || n > max) return this.fail(path, `must be between ${min} and ${max} (${hint}); got ${n}.`);
        return n;
    }

    array(v: unknown, path: string, hint: string): unknown[] | undefined {
        if (v === undefined || v === null) return undefined;
        if (!Array.isArray(v)) return this.fail(path, `must be a list (${hint}); got ${describe(v)}.`);
        return v;
    }

    stringList(v: unknown, path: string, hint: string, check?: (s: string, p: string) => boolean): string[] {
        const list = this.array(v, path, hint) ?? [];
        const out: string[] = [];
        const seen = new Map<string, number>();
        list.forEach((item, i) => {
            const p = `${path}[${i}]`;
            const s = this.string(item, p, hint);
            if (s === undefined) {
                if (item === undefined || item === null) this.fail(p, `must not be empty (${hint}).`);
                return;
            }
            if (check && !check(s, p)) return;
            const key = s.toLowerCase();
            const first = seen.get(key);
            if (first !== undefined) {
                this.fail(p, `duplicate of ${path}[${first}] ("${s}"); list each once.`);
                return;
            }
            seen.set(key, i);
            out.push(s);
        });
        return out;
    }
}

/** Unset: absent, or null (YAML `~`, JSON null); the reader treats both the same, so required checks must too. */
function isMissing(v: unknown): v is undefined | null {
    return v === undefined || v === null;
}

/**
 * Tenant ids compare case-insensitively. Values keep the spelling the config gave (a changed spelling in a
 * provider's or resource's inputs would replace it); grouping and comparison use this key.
 */
export function tenantKey(tenantId: string): string {
    return tenantId.toLowerCase();
}

function join(path: string, key: string): string {
    return path === "" ? key : `${path}.${key}`;
}

function describe(v: unknown): string {
    if (v === null) return "null";
    if (Array.isArray(v)) return "a list";
    if (typeof v === "object") return "an object";
    if (typeof v === "string") return `"${v.length > 60 ? `${v.slice(0, 57)}...` : v}"`;
    return `${typeof v} ${String(v)}`;
}

/** Auth0 tenant name from its canonical domain: `acme.us.auth0.com` -> `acme`. */
export function tenantNameFromDomain(domain: string): string | undefined {
    const m = AUTH0_DOMAIN.exec(domain);
    return m ? m[1].toLowerCase() : undefined;
}

/** Merge configured mappings over the defaults by SCIM attribute; configured order wins for new ones. */
export function mergeScimMappings(defaults: readonly ScimMapping[], configured: readonly ScimMapping[]): ScimMapping[] {
    const byScim = new Map<string, ScimMapping>();
    for (const m of defaults) byScim.set(m.scim, { ...m });
    for (const m of configured) byScim.set(m.scim, { ...m });
    return [...byScim.values()];
}

/** Default scopes for a connection: users, plus groups when groups are provisioned. */
export function defaultTokenScopes(provisionGroups: boolean): string[] {
    return provisionGroups ? [...USER_TOKEN_SCOPES, ...GROUP_TOKEN_SCOPES] : [...USER_TOKEN_SCOPES];
}

function sortScopes(scopes: string[]): string[] {
    const order = KNOWN_TOKEN_SCOPES as readonly string[];
    return [...scopes].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

const CONNECTION_KEYS = [
    "name",
    "displayName",
    "setUserRootAttributes",
    "domainAliases",
    "scim",
    "entra",
    "saml",
    "enabledClients",
    "organizations",
    "selfService",
] as const;
const SCIM_KEYS = ["userIdAttribute", "mappings", "tokenScopes", "tokenLifetimeDays", "tokenRotationDays"] as const;
const ENTRA_KEYS = [
    "appName",
    "tenantId",
    "assignments",
    "provisionGroups",
    "provisioningEnabled",
    "notificationEmails",
    "deletionThreshold",
    "emailMatchingPrecedence",
    "attributeMappings",
    "provisionOnDemand",
    "certificateEndDate",
] as const;
const SAML_KEYS = ["metadataUrl", "signInEndpoint", "signOutEndpoint", "signingCert"] as const;
/** The evaluation frequencies Azure Monitor's log search alert rules accept, in minutes. */
export const MONITORING_FREQUENCIES_MINUTES = [5, 10, 15, 30, 45, 60, 120, 180, 240, 300, 360, 1440] as const;

/** The smallest supported evaluation frequency at least `minutes` long (never more often than asked). */
export function supportedFrequencyMinutes(minutes: number): number {
    return MONITORING_FREQUENCIES_MINUTES.find((f) => f >= minutes) ?? MONITORING_FREQUENCIES_MINUTES[MONITORING_FREQUENCIES_MINUTES.length - 1];
}

const MONITORING_TARGET_KEYS = ["resourceGroupName", "location", "logAnalyticsWorkspaceId", "alertEmails", "evaluationFrequencyMinutes"] as const;
const MONITORING_KEYS = ["enabled", ...MONITORING_TARGET_KEYS, "tenants"] as const;
const MONITORING_TENANT_KEYS = ["enabled", "subscriptionId", ...MONITORING_TARGET_KEYS] as const;

/** Auth0's token_lifetime must be over 900 s; Auth0 caps nothing we know of, so a decade is our sanity bound. */
const MAX_TOKEN_DAYS = 3650;

function readScim(r: Reader, raw: Obj | undefined, path: string, provisionGroups: boolean | undefined): ScimSettings {
    if (raw) r.keys(raw, path, SCIM_KEYS);
    const userIdAttribute = r.string(raw?.userIdAttribute, join(path, "userIdAttribute"), "a SCIM attribute such as userName") ?? "userName";

    const configured: ScimMapping[] = [];
    const mappingsPath = join(path, "mappings");
    const seenScim = new Map<string, number>();
    (r.array(raw?.mappings, mappingsPath, "[{scim, auth0}, ...]") ?? []).forEach((item, i) => {
        const p = `${mappingsPath}[${i}]`;
        const m = r.object(item, p, "{scim, auth0}");
        if (!m) {
            if (item === undefined || item === null) r.fail(p, "must be an object {scim, auth0}.");
            return;
        }
        r.keys(m, p, ["scim", "auth0"]);
        const scim = r.string(m.scim, join(p, "scim"), 'the SCIM attribute, e.g. title or emails[type eq "work"].value');
        const auth0 = r.string(m.auth0, join(p, "auth0"), "the Auth0 attribute, e.g. app_metadata.title");
        if (isMissing(m.scim)) r.fail(join(p, "scim"), 'is required: the SCIM attribute, e.g. "title".');
        if (isMissing(m.auth0)) r.fail(join(p, "auth0"), 'is required: the Auth0 attribute, e.g. "app_metadata.title".');
        if (scim === undefined || auth0 === undefined) return;
        const first = seenScim.get(scim);
        if (first !== undefined) {
            r.fail(p, `maps "${scim}" again (also ${mappingsPath}[${first}]); keep one mapping per SCIM attribute.`);
            return;
        }
        seenScim.set(scim, i);
        if (scim === WORK_EMAIL_SCIM && auth0 !== "email") {
            r.fail(
                join(p, "auth0"),
                `must stay "email": Entra matches users on ${WORK_EMAIL_SCIM} <- mail, and Auth0 must store it as email (walkthrough step 3B). Remove this mapping or map it to "email".`,
            );
            return;
        }
        configured.push({ scim, auth0 });
    });
    const mappings = mergeScimMappings(DEFAULT_SCIM_MAPPINGS, configured);
    if (!mappings.some((m) => m.scim === userIdAttribute)) {
        r.fail(
            join(path, "userIdAttribute"),
            `"${userIdAttribute}" has no mapping; add {scim: "${userIdAttribute}", auth0: ...} to ${mappingsPath} or use userName.`,
        );
    }

    const scopesPath = join(path, "tokenScopes");
    const known = KNOWN_TOKEN_SCOPES as readonly string[];
    let tokenScopes = isMissing(raw?.tokenScopes)
        ? defaultTokenScopes(provisionGroups ?? false)
        : r.stringList(raw.tokenScopes, scopesPath, "Auth0 SCIM token scopes", (s, p) => {
              if (!known.includes(s)) {
                  r.fail(p, `unknown token scope "${s}". Known scopes: ${known.join(" ")}.`);
                  return false;
              }
              return true;
          });
    if (raw?.tokenScopes !== undefined) {
        const missing = USER_TOKEN_SCOPES.filter((s) => !tokenScopes.includes(s));
        if (Array.isArray(raw.tokenScopes) && missing.length > 0) {
            r.fail(scopesPath, `lacks ${missing.join(" ")}: Entra needs all of ${USER_TOKEN_SCOPES.join(" ")} to create, update and disable users.`);
        }
        if (provisionGroups !== undefined) {
            const hasGroupScopes = tokenScopes.filter((s) => s.endsWith(":groups"));
            if (!provisionGroups && hasGroupScopes.length > 0) {
                r.fail(
                    scopesPath,
                    `grants ${hasGroupScopes.join(" ")} but entra.provisionGroups is false: drop the group scopes (least privilege) or set entra.provisionGroups: true.`,
                );
            }
            const missingGroups = GROUP_TOKEN_SCOPES.filter((s) => !tokenScopes.includes(s));
            if (provisionGroups && missingGroups.length > 0) {
                r.fail(scopesPath, `lacks ${missingGroups.join(" ")} but entra.provisionGroups is true: add them, or set entra.provisionGroups: false.`);
            }
        }
    }
    tokenScopes = sortScopes(tokenScopes);

    const tokenLifetimeDays = r.integer(raw?.tokenLifetimeDays, join(path, "tokenLifetimeDays"), 1, MAX_TOKEN_DAYS, "days until the SCIM token expires");
    const tokenRotationDays = r.integer(
        raw?.tokenRotationDays,
        join(path, "tokenRotationDays"),
        1,
        MAX_TOKEN_DAYS,
        "days after creation to rotate the SCIM token",
    );
    if (tokenRotationDays !== undefined && tokenLifetimeDays !== undefined && tokenRotationDays >= tokenLifetimeDays) {
        r.fail(
            join(path, "tokenRotationDays"),
            `(${tokenRotationDays}) must be shorter than scim.tokenLifetimeDays (${tokenLifetimeDays}), or Entra would hold an expired token before the rotation; e.g. rotate at ${Math.max(1, Math.floor(tokenLifetimeDays * 0.75))}.`,
        );
    }
    return { userIdAttribute, mappings, tokenScopes, tokenLifetimeDays, tokenRotationDays };
}

function readEntra(
    r: Reader,
    raw: Obj,
    path: string,
    name: string,
    displayName: string | undefined,
    stackTenant: string | undefined,
): EntraSettings | undefined {
    r.keys(raw, path, ENTRA_KEYS);
    const guid = (hint: string) => (s: string, p: string) => {
        if (!GUID.test(s)) {
            r.fail(
                p,
                `"${s}" is not an Entra object id (a GUID like 0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0); copy the ${hint}'s Object ID from the Entra admin center.`,
            );
            return false;
        }
        return true;
    };
    const appName = r.string(raw.appName, join(path, "appName"), "the enterprise application's display name") ?? displayName ?? `Auth0 ${name}`;

    const tenantPath = join(path, "tenantId");
    const ownTenant = r.string(raw.tenantId, tenantPath, "the Entra tenant id (a GUID)");
    if (ownTenant !== undefined && !GUID.test(ownTenant))
        r.fail(tenantPath, `"${ownTenant}" is not a tenant id: use the Directory (tenant) ID GUID from the Entra admin center.`);
    const tenantId = ownTenant ?? stackTenant;
    if (tenantId === undefined && isMissing(raw.tenantId)) {
        r.fail(tenantPath, "a managed Entra app needs a tenant: set azuread:tenantId (pulumi config set azuread:tenantId <guid>), ARM_TENANT_ID, or this key.");
    }

    const assignmentsPath = join(path, "assignments");
    const assignments = r.object(raw.assignments, assignmentsPath, "{users: [...], groups: [...]}");
    if (assignments) r.keys(assignments, assignmentsPath, ["users", "groups"]);
    const users = r.stringList(assignments?.users, join(assignmentsPath, "users"), "Entra user object ids", guid("user"));
    const isGroup = guid("group");
    const groups = r.stringList(assignments?.groups, join(assignmentsPath, "groups"), "Entra group object ids", (s, p) => {
        if (!isGroup(s, p)) return false;
        if (users.some((u) => u.toLowerCase() === s.toLowerCase())) {
            r.fail(p, `"${s}" is also listed in ${join(assignmentsPath, "users")}; an object id is either a user or a group.`);
            return false;
        }
        return true;
    });

    const provisionGroups = r.boolean(raw.provisionGroups, join(path, "provisionGroups")) ?? false;
    const provisioningEnabled = r.boolean(raw.provisioningEnabled, join(path, "provisioningEnabled")) ?? true;
    const notificationEmails = r.stringList(raw.notificationEmails, join(path, "notificationEmails"), "e-mail addresses", (s, p) => {
        if (!EMAIL.test(s)) {
            r.fail(p, `"${s}" is not an e-mail address.`);
            return false;
        }
        return true;
    });
    const deletionThreshold = r.integer(
        raw.deletionThreshold,
        join(path, "deletionThreshold"),
        1,
        100000,
        "deletions per cycle before Entra stops and notifies",
    );
    if (deletionThreshold !== undefined && notificationEmails.length === 0) {
        r.fail(join(path, "deletionThreshold"), "needs entra.notificationEmails: Entra e-mails the recipients when the threshold stops a cycle.");
    }
    const emailMatchingPrecedence =
        r.integer(raw.emailMatchingPrecedence, join(path, "emailMatchingPrecedence"), 2, 10, "matching precedence of the work e-mail; userName keeps 1") ?? 2;

    const attributeMappings: EntraAttributeMapping[] = [];
    const amPath = join(path, "attributeMappings");
    const seenTargets = new Map<string, number>();
    (r.array(raw.attributeMappings, amPath, "[{targetAttributeName, source, ...}]") ?? []).forEach((item, i) => {
        const p = `${amPath}[${i}]`;
        const m = r.object(item, p, "{targetAttributeName, source, sourceType?, object?, flowType?, matchingPriority?}");
        if (!m) {
            if (item === undefined || item === null) r.fail(p, "must be an object {targetAttributeName, source}.");
            return;
        }
        r.keys(m, p, ["targetAttributeName", "source", "sourceType", "object", "flowType", "matchingPriority"]);
        const target = r.string(m.targetAttributeName, join(p, "targetAttributeName"), "the SCIM attribute Entra writes");
        const source = r.string(m.source, join(p, "source"), "the Entra attribute name or constant");
        if (isMissing(m.targetAttributeName)) r.fail(join(p, "targetAttributeName"), "is required: the SCIM attribute Entra writes, e.g. title.");
        if (isMissing(m.source)) r.fail(join(p, "source"), "is required: the Entra attribute, e.g. jobTitle.");
        const sourceType = oneOf(r, m.sourceType, join(p, "sourceType"), ["Attribute", "Constant"] as const) ?? "Attribute";
        const object = oneOf(r, m.object, join(p, "object"), ["User", "Group"] as const) ?? "User";
        const flowType = oneOf(r, m.flowType, join(p, "flowType"), ["Always", "ObjectAddOnly"] as const) ?? "Always";
        const matchingPriority = r.integer(m.matchingPriority, join(p, "matchingPriority"), 1, 10, "1 is tried first");
        if (target === undefined || source === undefined) return;
        const key = `${object}:${target}`;
        const first = seenTargets.get(key);
        if (first !== undefined) {
            r.fail(p, `maps ${object} "${target}" again (also ${amPath}[${first}]); keep one mapping per target attribute.`);
            return;
        }
        seenTargets.set(key, i);
        if (object === "User" && target === WORK_EMAIL_SCIM && matchingPriority === undefined) {
            // Overriding the work e-mail without a priority would silently drop it from matching.
            r.fail(
                join(p, "matchingPriority"),
                `is required when overriding ${WORK_EMAIL_SCIM}; use entra.emailMatchingPrecedence for the walkthrough's setting.`,
            );
            return;
        }
        attributeMappings.push({
            targetAttributeName: target,
            source,
            sourceType,
            object,
            flowType,
            ...(matchingPriority !== undefined ? { matchingPriority } : {}),
        });
    });
    const taken = new Map<number, string>([
        [1, "userName"],
        [emailMatchingPrecedence, WORK_EMAIL_SCIM],
    ]);
    attributeMappings.forEach((m, i) => {
        if (m.matchingPriority === undefined || m.object !== "User" || m.targetAttributeName === WORK_EMAIL_SCIM) return;
        const holder = taken.get(m.matchingPriority);
        if (holder) r.fail(`${amPath}[${i}].matchingPriority`, `${m.matchingPriority} is already the precedence of ${holder}; pick another.`);
        else taken.set(m.matchingPriority, m.targetAttributeName);
    });
    if (emailMatchingPrecedence === 1) r.fail(join(path, "emailMatchingPrecedence"), "1 belongs to userName; use 2 or higher.");

    const podPath = join(path, "provisionOnDemand");
    const pod = r.object(raw.provisionOnDemand, podPath, "{users: [...], groups: [...]}");
    if (pod) r.keys(pod, podPath, ["users", "groups"]);
    const podUsers = r.stringList(pod?.users, join(podPath, "users"), "Entra user object ids", guid("user"));
    const podGroups = r.stringList(pod?.groups, join(podPath, "groups"), "Entra group object ids", guid("group"));
    podUsers.forEach((u, i) => {
        // Entra skips objects out of scope: on-demand users must be assigned (directly or by group).
        if (!users.some((x) => x.toLowerCase() === u.toLowerCase()) && groups.length === 0) {
            r.fail(
                `${join(podPath, "users")}[${i}]`,
                `"${u}" is not assigned to the app (entra.assignments.users); Entra skips unassigned users when assignment is required.`,
            );
        }
    });
    podGroups.forEach((g, i) => {
        if (!groups.some((x) => x.toLowerCase() === g.toLowerCase())) {
            r.fail(`${join(podPath, "groups")}[${i}]`, `"${g}" is not assigned to the app (entra.assignments.groups); Entra skips unassigned groups.`);
        }
        if (!provisionGroups)
            r.fail(`${join(podPath, "groups")}[${i}]`, "groups are not provisioned (entra.provisionGroups is false); set it to true or drop this entry.");
    });

    const endPath = join(path, "certificateEndDate");
    const certificateEndDate = r.string(raw.certificateEndDate, endPath, "RFC 3339 date, e.g. 2029-01-01T00:00:00Z");
    if (certificateEndDate !== undefined && (!/^\d{4}-\d{2}-\d{2}T/.test(certificateEndDate) || Number.isNaN(Date.parse(certificateEndDate)))) {
        r.fail(endPath, `"${certificateEndDate}" is not an RFC 3339 date-time such as 2029-01-01T00:00:00Z.`);
    }

    if (tenantId === undefined) return undefined;
    return {
        appName,
        tenantId,
        tenantIdFromConnection: ownTenant !== undefined,
        assignments: { users, groups },
        provisionGroups,
        provisioningEnabled,
        notificationEmails,
        ...(deletionThreshold !== undefined ? { deletionThreshold } : {}),
        emailMatchingPrecedence,
        attributeMappings,
        provisionOnDemand: { users: podUsers, groups: podGroups },
        ...(certificateEndDate !== undefined ? { certificateEndDate } : {}),
    };
}

function oneOf<T extends string>(r: Reader, v: unknown, path: string, options: readonly T[]): T | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string" || !(options as readonly string[]).includes(v)) {
        return r.fail(path, `must be one of ${options.join(", ")}; got ${describe(v)}.`);
    }
    return v as T;
}

function httpsUrl(r: Reader, v: unknown, path: string, hint: string): string | undefined {
    const s = r.string(v, path, hint);
    if (s === undefined) return undefined;
    try {
        const u = new URL(s);
        if (u.protocol !== "https:") return r.fail(path, `must be an https:// URL (${hint}); got "${s}".`);
    } catch {
        return r.fail(path, `is not a URL (${hint}); got "${s}".`);
    }
    return s;
}

function readSaml(r: Reader, raw: Obj | undefined, path: string, required: boolean): SamlSettings | undefined {
    if (!raw) {
        if (required) {
            r.fail(
                path,
                "an Auth0-only connection (no entra block) needs the IdP's SAML settings: saml.metadataUrl, or saml.signInEndpoint and saml.signingCert (or selfService: {} to let the customer's admin set them).",
            );
        }
        return undefined;
    }
    r.keys(raw, path, SAML_KEYS);
    const metadataUrl = httpsUrl(r, raw.metadataUrl, join(path, "metadataUrl"), "the IdP's federation metadata URL");
    const signInEndpoint = httpsUrl(r, raw.signInEndpoint, join(path, "signInEndpoint"), "the IdP's SAML sign-in URL");
    const signOutEndpoint = httpsUrl(r, raw.signOutEndpoint, join(path, "signOutEndpoint"), "the IdP's SAML sign-out URL");
    const signingCert = r.string(raw.signingCert, join(path, "signingCert"), "the IdP signing certificate, PEM or base64");
    if (signingCert !== undefined && !/^[-A-Za-z0-9+/=\s]+$/.test(signingCert)) {
        r.fail(join(path, "signingCert"), "must be a PEM certificate or its base64 body.");
    }
    if (required) {
        if (!isMissing(raw.metadataUrl) && (!isMissing(raw.signInEndpoint) || !isMissing(raw.signingCert))) {
            r.fail(path, "set either metadataUrl or signInEndpoint + signingCert, not both (Auth0 takes one or the other).");
        } else if (isMissing(raw.metadataUrl)) {
            if (signInEndpoint === undefined && isMissing(raw.signInEndpoint)) r.fail(join(path, "signInEndpoint"), "is required without saml.metadataUrl.");
            if (signingCert === undefined && isMissing(raw.signingCert)) r.fail(join(path, "signingCert"), "is required without saml.metadataUrl.");
        }
    }
    return { metadataUrl, signInEndpoint, signOutEndpoint, signingCert };
}

function readConnection(r: Reader, item: unknown, path: string, stackTenant: string | undefined): ConnectionSettings | undefined {
    const raw = r.object(item, path, "a connection: {name, scim?, entra?, saml?}");
    if (!raw) {
        if (isMissing(item)) r.fail(path, "must be a connection object {name, ...}.");
        return undefined;
    }
    r.keys(raw, path, CONNECTION_KEYS);
    const namePath = join(path, "name");
    let name = r.string(raw.name, namePath, "the Auth0 connection name");
    if (isMissing(raw.name)) r.fail(namePath, "is required: the Auth0 connection name, e.g. acme-entra.");
    if (name !== undefined && !CONNECTION_NAME.test(name)) {
        r.fail(
            namePath,
            `"${name}" is not a valid Auth0 connection name: use letters, digits and '-', at most 128 characters, not starting or ending with '-'.`,
        );
        name = undefined;
    }
    const displayName = r.string(raw.displayName, join(path, "displayName"), "the name users see on the login button");
    if (displayName !== undefined && displayName.length > 128) r.fail(join(path, "displayName"), "must be at most 128 characters.");
    const setUserRootAttributes = oneOf(r, raw.setUserRootAttributes, join(path, "setUserRootAttributes"), SET_USER_ROOT_ATTRIBUTES) ?? "on_first_login";
    const domainAliases = r.stringList(raw.domainAliases, join(path, "domainAliases"), "e-mail domains for home realm discovery", (s, p) => {
        if (!HOSTNAME.test(s)) {
            r.fail(p, `"${s}" is not a domain name such as example.com.`);
            return false;
        }
        return true;
    });

    const entraRaw = r.object(raw.entra, join(path, "entra"), "the managed Entra enterprise app");
    // Scope checks need the groups toggle; readEntra reports a malformed one.
    const provisionGroups = entraRaw ? entraRaw.provisionGroups === true || entraRaw.provisionGroups === "true" : undefined;
    const scim = readScim(r, r.object(raw.scim, join(path, "scim"), "SCIM settings"), join(path, "scim"), provisionGroups);
    const entra = entraRaw && name ? readEntra(r, entraRaw, join(path, "entra"), name, displayName, stackTenant) : undefined;
    if (entraRaw && !name) readEntra(r, entraRaw, join(path, "entra"), "connection", displayName, stackTenant);
    const access = readConnectionAccess(r, raw, path);
    const selfService = readSelfService(r, raw, path, access);
    const samlRaw = r.object(raw.saml, join(path, "saml"), "the IdP's SAML settings");
    const saml = readSaml(r, samlRaw, join(path, "saml"), entraRaw === undefined && isMissing(raw.entra) && isMissing(raw.selfService));
    if (entraRaw && samlRaw) {
        r.fail(
            join(path, "saml"),
            "is set together with entra: with a managed Entra app the stack wires SAML from the app's own certificate. Remove saml, or remove entra for an Auth0-only connection.",
        );
    }
    if (!name) return undefined;
    return {
        name,
        ...(displayName !== undefined ? { displayName } : {}),
        setUserRootAttributes,
        domainAliases,
        scim,
        ...(entra ? { entra } : {}),
        ...(saml ? { saml } : {}),
        ...access,
        ...(selfService ? { selfService } : {}),
    };
}

/**
 * One tenant's monitoring target. With `defaults` (a tenant entry), every key but the workspace falls back to the
 * top level; without (the top level), resourceGroupName, location and alertEmails are required.
 */
function readMonitoringTarget(r: Reader, raw: Obj, path: string, defaults?: MonitoringTarget): MonitoringTarget | undefined {
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
    const emailsPath = join(path, "alertEmails");
    const listed = r.stringList(raw.alertEmails, emailsPath, "e-mail addresses", (s, p) => {
        if (!EMAIL.test(s)) {
            r.fail(p, `"${s}" is not an e-mail address.`);
            return false;
        }
        return true;
    });
    // A tenant entry answers only for the values it sets; inherited ones are checked at the top level.
    const inheritsEmails = isMissing(raw.alertEmails) && defaults !== undefined;
    const alertEmails = inheritsEmails ? defaults.alertEmails : listed;
    if (!inheritsEmails && alertEmails.length === 0 && !r.problems.some((p) => p.path.startsWith(emailsPath))) {
        r.fail(emailsPath, "needs at least one address: the alert has nobody to notify otherwise.");
    }
    const frequencyPath = join(path, "evaluationFrequencyMinutes");
    const evaluationFrequencyMinutes =
        r.integer(raw.evaluationFrequencyMinutes, frequencyPath, 5, 1440, "minutes between alert evaluations") ?? defaults?.evaluationFrequencyMinutes ?? 15;
    const inheritsFrequency = isMissing(raw.evaluationFrequencyMinutes) && defaults !== undefined;
    if (
        !inheritsFrequency &&
        !(MONITORING_FREQUENCIES_MINUTES as readonly number[]).includes(evaluationFrequencyMinutes) &&
        !r.problems.some((p) => p.path === frequencyPath)
    ) {
        r.fail(
            frequencyPath,
            `must be one of ${MONITORING_FREQUENCIES_MINUTES.join(", ")} (the frequencies Azure Monitor's log alerts accept); ` +
                `got ${evaluationFrequencyMinutes}, use ${supportedFrequencyMinutes(evaluationFrequencyMinutes)}.`,
        );
    }
    if (resourceGroupName === undefined || location === undefined) return undefined;
    return { resourceGroupName, location, ...(logAnalyticsWorkspaceId ? { logAnalyticsWorkspaceId } : {}), alertEmails, evaluationFrequencyMinutes };
}

interface MonitoringRead {
    settings: MonitoringSettings;
    /** Every `monitoring.tenants` key, lower-cased, enabled or not: the tenants the config speaks for. */
    listedTenants: Map<string, string>;
}

function readMonitoring(r: Reader, v: unknown): MonitoringRead | undefined {
    const path = "monitoring";
    const raw = r.object(v, path, "{enabled, resourceGroupName, location, alertEmails, ...}");
    if (!raw) return undefined;
    r.keys(raw, path, MONITORING_KEYS);
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
        if (!GUID.test(key)) {
            r.fail(entryPath, `"${key}" is not a tenant id: key each entry by the Directory (tenant) ID GUID.`);
            continue;
        }
        const tenantId = tenantKey(key);
        if (listedTenants.has(tenantId)) {
            r.fail(entryPath, `is the same tenant as ${join(tenantsPath, listedTenants.get(tenantId)!)}.`);
            continue;
        }
        listedTenants.set(tenantId, key);
        const shape = "{subscriptionId, resourceGroupName?, location?, alertEmails?, ...} or {enabled: false}";
        const entry = r.object(value, entryPath, shape);
        if (!entry) {
            // An empty entry would otherwise count as covering the tenant while monitoring nothing.
            if (isMissing(value)) r.fail(entryPath, `is empty: give it ${shape}.`);
            continue;
        }
        r.keys(entry, entryPath, MONITORING_TENANT_KEYS);
        const enabled = r.boolean(entry.enabled, join(entryPath, "enabled")) !== false;
        const subPath = join(entryPath, "subscriptionId");
        const subscriptionId = r.string(entry.subscriptionId, subPath, "the Azure subscription for this tenant's workspace and alert");
        const validSubscription = subscriptionId !== undefined && GUID.test(subscriptionId);
        // Settings kept while a tenant is switched off are checked too: they must be valid when it is switched back on.
        if (subscriptionId !== undefined && !validSubscription) r.fail(subPath, `"${subscriptionId}" is not a subscription id (a GUID).`);
        if (enabled && isMissing(entry.subscriptionId)) {
            r.fail(
                subPath,
                "is required: the subscription (in this tenant) for its workspace, action group and alert; or set enabled: false to leave the tenant unmonitored.",
            );
        }
        const target = readMonitoringTarget(r, entry, entryPath, inherited);
        if (!enabled) {
            unmonitoredTenants.push(tenantId);
            continue;
        }
        if (top && target && validSubscription) {
            tenants.push({ ...target, tenantId, subscriptionId: subscriptionId.toLowerCase() });
        }
    }
    if (!top) return undefined;
    return { settings: { ...top, tenants, unmonitoredTenants }, listedTenants };
}

/**
 * Every tenant with managed connections is either the stack's own (the top-level settings) or has a
 * `monitoring.tenants` entry (monitored, or enabled: false); entries name such tenants; something is monitored.
 * An entry for the stack's own tenant takes precedence over the top level, so a tenant-group stack's config means
 * the same whichever tenant ARM_TENANT_ID (the fallback for azuread:tenantId) names where it runs.
 */
function checkMonitoringCoverage(r: Reader, m: MonitoringRead, connections: readonly ConnectionSettings[], stackTenant: string | undefined): void {
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
    if (connections.length > 0 && !ownMonitored && m.settings.tenants.length === 0 && !r.problems.some((p) => p.path.startsWith("monitoring"))) {
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

/**
 * Validates the raw stack config. Returns typed settings, or throws one ConfigError with every problem.
 */
export function parseStackConfig(raw: RawStackConfig): StackSettings {
    const r = new Reader();

    const domain = r.string(raw.auth0Domain, "auth0:domain", "the canonical Auth0 tenant domain, e.g. acme.eu.auth0.com");
    if (isMissing(raw.auth0Domain)) {
        r.fail("auth0:domain", "is required: pulumi config set auth0:domain <tenant>.<region>.auth0.com (or set AUTH0_DOMAIN).");
    } else if (domain !== undefined && !HOSTNAME.test(domain)) {
        r.fail("auth0:domain", `"${domain}" is not a domain name; use the tenant domain without https://, e.g. acme.eu.auth0.com.`);
    }
    const tenantNameRaw = r.string(raw.tenantName, "tenantName", "the Auth0 tenant name, e.g. acme");
    if (tenantNameRaw !== undefined && !TENANT_NAME.test(tenantNameRaw)) {
        r.fail("tenantName", `"${tenantNameRaw}" is not an Auth0 tenant name (letters, digits, '-').`);
    }
    const tenantName = tenantNameRaw ?? (domain ? tenantNameFromDomain(domain) : undefined);
    if (domain !== undefined && HOSTNAME.test(domain) && tenantName === undefined) {
        r.fail("tenantName", `cannot be derived from auth0:domain "${domain}" (not *.auth0.com); set auth0-entra-scim:tenantName to the tenant's name.`);
    }
    const customDomain = r.string(raw.customDomain, "customDomain", "the Auth0 custom domain, e.g. login.example.com");
    if (customDomain !== undefined && !HOSTNAME.test(customDomain)) {
        r.fail("customDomain", `"${customDomain}" is not a domain name; use the host only, e.g. login.example.com.`);
    }
    const entraTenantId = r.string(raw.entraTenantId, "azuread:tenantId", "the Entra tenant id");
    if (entraTenantId !== undefined && !GUID.test(entraTenantId)) {
        r.fail("azuread:tenantId", `"${entraTenantId}" is not a tenant id: use the Directory (tenant) ID GUID.`);
    }
    const stackTenant = entraTenantId !== undefined && GUID.test(entraTenantId) ? entraTenantId : undefined;

    const connections: ConnectionSettings[] = [];
    const indexOf = new Map<ConnectionSettings, number>();
    const list = r.array(raw.connections, "connections", "a list of connections");
    if (isMissing(raw.connections)) {
        r.fail("connections", "is required: a list with at least one connection (see Pulumi.example.yaml).");
    } else if (list && list.length === 0) {
        r.fail("connections", "is empty: declare at least one connection (see Pulumi.example.yaml).");
    }
    const seen = new Map<string, number>();
    (list ?? []).forEach((item, i) => {
        const c = readConnection(r, item, `connections[${i}]`, stackTenant);
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

    const selfServiceProfile = readSelfServiceProfile(
        r,
        raw.selfServiceProfile,
        connections.filter((c) => c.selfService).map((c) => c.name),
    );
    const monitoringRead = readMonitoring(r, raw.monitoring);
    if (monitoringRead && !r.problems.some((p) => p.path.startsWith("connections"))) {
        checkMonitoringCoverage(r, monitoringRead, connections, stackTenant);
    }
    const monitoring = monitoringRead?.settings;

    if (r.problems.length > 0) throw new ConfigError(r.problems);
    return {
        auth0Domain: domain!.toLowerCase(),
        auth0TenantName: tenantName!,
        ...(customDomain ? { customDomain: customDomain.toLowerCase() } : {}),
        ...(stackTenant ? { entraTenantId: stackTenant } : {}),
        connections,
        ...(monitoring ? { monitoring } : {}),
        ...(selfServiceProfile ? { selfServiceProfile } : {}),
    };
}
