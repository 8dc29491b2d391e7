// `connections[].entra`: the managed Entra enterprise app (SAML sign-in, assignments) and its provisioning job.
import { isGuid } from "../helpers/ids";
import { isEmail, type Raw, type Reader, type Settled, isMissing, join, knownKeys } from "./reader";
import { WORK_EMAIL_SCIM } from "./scim";
import { mappingKey, sameAttribute } from "../helpers/scimAttributes";

/** Entra object ids (GUIDs) of users and groups. */
export interface PrincipalsConfig {
    /** User object ids. */
    users?: string[];
    /** Group object ids. */
    groups?: string[];
}
export type Principals = Required<PrincipalsConfig>;

/** One extra or overridden attribute mapping in the Entra provisioning schema, as written in config. */
export interface EntraAttributeMappingConfig {
    /** Auth0-side SCIM attribute, e.g. `title` or `urn:...:enterprise:2.0:User.department`. */
    targetAttributeName: string;
    /** Entra attribute name (`jobTitle`) or constant value. */
    source: string;
    /** Default `Attribute`. */
    sourceType?: "Attribute" | "Constant";
    /** Default `User`. */
    object?: "User" | "Group";
    /** Default `Always`. */
    flowType?: "Always" | "ObjectAddOnly";
    /** 1-10; > 0 makes this a matching attribute, lower is tried first. Required when overriding the work e-mail. */
    matchingPriority?: number;
}
/** An attribute mapping with defaults applied. */
export type EntraAttributeMapping = Settled<EntraAttributeMappingConfig, "matchingPriority">;

/** `connections[].entra` as written in config. Present: the stack manages the Entra enterprise app. */
export interface EntraConfig {
    /** Display name of the enterprise application. Default: the connection's displayName, else `Auth0 <name>`. */
    appName?: string;
    /** Entra tenant that owns the app (gets its own azuread provider). Default: `azuread:tenantId` / the stack's tenant. */
    tenantId?: string;
    /** Users and groups assigned to the app ("Users and groups"; assignment is required). Default: none. */
    assignments?: PrincipalsConfig;
    /** "Provision Entra ID Groups": Enabled (true) or Disabled (false). Default false. */
    provisionGroups?: boolean;
    /** Provisioning status On (true) or Off (false). Default true. */
    provisioningEnabled?: boolean;
    /** Failure notification e-mail recipients (provisioning Settings). Default: none, notification off. */
    notificationEmails?: string[];
    /** Accidental-deletion threshold (1-100000); needs notificationEmails. Default: prevention off. */
    deletionThreshold?: number;
    /** Matching precedence (2-10) of `emails[type eq "work"].value` <- `mail`. Default 2 (the walkthrough). */
    emailMatchingPrecedence?: number;
    /** Extra or overridden provisioning attribute mappings. Default: none. */
    attributeMappings?: EntraAttributeMappingConfig[];
    /** Assigned users and groups to provision on demand once, as the walkthrough's test step. Default: none. */
    provisionOnDemand?: PrincipalsConfig;
    /** End date of the SAML token signing certificate (RFC 3339). Default: Entra's (3 years). */
    certificateEndDate?: string;
}

/** EntraConfig with defaults applied. */
export interface EntraSettings extends Settled<EntraConfig, "deletionThreshold" | "certificateEndDate"> {
    /** Entra tenant id that owns the app: `entra.tenantId`, else `azuread:tenantId`. */
    tenantId: string;
    /** True when the connection names its own tenant (it then gets its own azuread provider). */
    tenantIdFromConnection: boolean;
    assignments: Principals;
    attributeMappings: EntraAttributeMapping[];
    provisionOnDemand: Principals;
}

export const ENTRA_KEYS = knownKeys<EntraConfig>({
    appName: true,
    tenantId: true,
    assignments: true,
    provisionGroups: true,
    provisioningEnabled: true,
    notificationEmails: true,
    deletionThreshold: true,
    emailMatchingPrecedence: true,
    attributeMappings: true,
    provisionOnDemand: true,
    certificateEndDate: true,
});
const PRINCIPALS_KEYS = knownKeys<PrincipalsConfig>({ users: true, groups: true });
const ATTRIBUTE_MAPPING_KEYS = knownKeys<EntraAttributeMappingConfig>({
    targetAttributeName: true,
    source: true,
    sourceType: true,
    object: true,
    flowType: true,
    matchingPriority: true,
});

/** What a connection's entra block inherits from its caller: the default tenant, and how to set one. */
export interface EntraDefaults {
    /** A valid default tenant id (`azuread:tenantId`, or ScimConnection's `entraTenantId`). */
    tenantId?: string;
    /** Ends "a managed Entra app needs a tenant: ..." when neither the default nor `entra.tenantId` is set. */
    setTenantId: string;
    /** The default is set but not a tenant id, which is reported at its own path: no second problem here. */
    defaultMalformed?: boolean;
}

/** The groups toggle as the scope checks need it before readEntra runs (readEntra reports a malformed one). */
export function provisionGroupsOf(raw: Raw<EntraConfig>): boolean {
    return raw.provisionGroups === true || raw.provisionGroups === "true";
}

/** `name`, `displayName`: the connection's, for the default app name. */
export function readEntra(
    r: Reader,
    raw: Raw<EntraConfig>,
    path: string,
    name: string,
    displayName: string | undefined,
    defaults: EntraDefaults,
): EntraSettings | undefined {
    r.keys(raw, path, ENTRA_KEYS);
    const appName = r.string(raw.appName, join(path, "appName"), "the enterprise application's display name") ?? displayName ?? `Auth0 ${name}`;

    const tenantPath = join(path, "tenantId");
    const ownTenant = r.string(raw.tenantId, tenantPath, "the Entra tenant id (a GUID)");
    if (ownTenant !== undefined && !isGuid(ownTenant))
        r.fail(tenantPath, `"${ownTenant}" is not a tenant id: use the Directory (tenant) ID GUID from the Entra admin center.`);
    const tenantId = ownTenant ?? defaults.tenantId;
    if (tenantId === undefined && isMissing(raw.tenantId) && !defaults.defaultMalformed)
        r.fail(tenantPath, `a managed Entra app needs a tenant: ${defaults.setTenantId}.`);

    const assignments = readAssignments(r, raw.assignments, join(path, "assignments"));
    const provisionGroups = r.boolean(raw.provisionGroups, join(path, "provisionGroups")) ?? false;
    const provisioningEnabled = r.boolean(raw.provisioningEnabled, join(path, "provisioningEnabled")) ?? true;
    const notificationEmails = r.stringList(
        raw.notificationEmails,
        join(path, "notificationEmails"),
        "e-mail addresses",
        r.matching(isEmail, (s) => `"${s}" is not an e-mail address.`),
    );
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
    const attributeMappings = readAttributeMappings(r, raw.attributeMappings, join(path, "attributeMappings"), emailMatchingPrecedence);
    if (emailMatchingPrecedence === 1) r.fail(join(path, "emailMatchingPrecedence"), "1 belongs to userName; use 2 or higher.");
    const provisionOnDemand = readProvisionOnDemand(r, raw.provisionOnDemand, join(path, "provisionOnDemand"), assignments, provisionGroups);
    const certificateEndDate = readDateTime(r, raw.certificateEndDate, join(path, "certificateEndDate"));

    if (tenantId === undefined) return undefined;
    return {
        appName,
        tenantId,
        tenantIdFromConnection: ownTenant !== undefined,
        assignments,
        provisionGroups,
        provisioningEnabled,
        notificationEmails,
        ...(deletionThreshold !== undefined ? { deletionThreshold } : {}),
        emailMatchingPrecedence,
        attributeMappings,
        provisionOnDemand,
        ...(certificateEndDate !== undefined ? { certificateEndDate } : {}),
    };
}

/** A stringList check: an Entra object id, else a problem saying where in the admin center to copy it from. */
function objectId(r: Reader, kind: "user" | "group"): (s: string, p: string) => boolean {
    return r.matching(
        isGuid,
        (s) => `"${s}" is not an Entra object id (a GUID like 0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0); copy the ${kind}'s Object ID from the Entra admin center.`,
    );
}

function readAssignments(r: Reader, v: unknown, path: string): Principals {
    const raw = r.block<PrincipalsConfig>(v, path, "{users: [...], groups: [...]}", PRINCIPALS_KEYS);
    const users = r.stringList(raw?.users, join(path, "users"), "Entra user object ids", objectId(r, "user"));
    const isGroup = objectId(r, "group");
    const groups = r.stringList(raw?.groups, join(path, "groups"), "Entra group object ids", (s, p) => {
        if (!isGroup(s, p)) return false;
        if (users.some((u) => u.toLowerCase() === s.toLowerCase())) {
            r.fail(p, `"${s}" is also listed in ${join(path, "users")}; an object id is either a user or a group.`);
            return false;
        }
        return true;
    });
    return { users, groups };
}

function readAttributeMappings(r: Reader, v: unknown, amPath: string, emailMatchingPrecedence: number): EntraAttributeMapping[] {
    const attributeMappings: EntraAttributeMapping[] = [];
    const seenTargets = new Map<string, number>();
    (r.array(v, amPath, "[{targetAttributeName, source, ...}]") ?? []).forEach((item, i) => {
        const p = `${amPath}[${i}]`;
        const m = r.block<EntraAttributeMappingConfig>(
            item,
            p,
            "{targetAttributeName, source, sourceType?, object?, flowType?, matchingPriority?}",
            ATTRIBUTE_MAPPING_KEYS,
        );
        if (!m) {
            if (isMissing(item)) r.fail(p, "must be an object {targetAttributeName, source}.");
            return;
        }
        const target = r.string(m.targetAttributeName, join(p, "targetAttributeName"), "the SCIM attribute Entra writes");
        const source = r.string(m.source, join(p, "source"), "the Entra attribute name or constant");
        if (isMissing(m.targetAttributeName)) r.fail(join(p, "targetAttributeName"), "is required: the SCIM attribute Entra writes, e.g. title.");
        if (isMissing(m.source)) r.fail(join(p, "source"), "is required: the Entra attribute, e.g. jobTitle.");
        const sourceType = r.oneOf(m.sourceType, join(p, "sourceType"), ["Attribute", "Constant"] as const) ?? "Attribute";
        const object = r.oneOf(m.object, join(p, "object"), ["User", "Group"] as const) ?? "User";
        const flowType = r.oneOf(m.flowType, join(p, "flowType"), ["Always", "ObjectAddOnly"] as const) ?? "Always";
        const matchingPriority = r.integer(m.matchingPriority, join(p, "matchingPriority"), 1, 10, "1 is tried first");
        if (target === undefined || source === undefined) return;
        // The schema treats User.x and User:x, and any case, as one attribute: so does this check.
        const key = mappingKey({ object, targetAttributeName: target });
        const first = seenTargets.get(key);
        if (first !== undefined) {
            r.fail(p, `maps ${object} "${target}" again (also ${amPath}[${first}]); keep one mapping per target attribute.`);
            return;
        }
        seenTargets.set(key, i);
        if (object === "User" && sameAttribute(target, WORK_EMAIL_SCIM) && matchingPriority === undefined) {
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
    checkMatchingPriorities(r, attributeMappings, amPath, emailMatchingPrecedence);
    return attributeMappings;
}

/** Each User matching precedence belongs to one attribute: 1 to userName, emailMatchingPrecedence to the work e-mail. */
function checkMatchingPriorities(r: Reader, mappings: readonly EntraAttributeMapping[], amPath: string, emailMatchingPrecedence: number): void {
    const taken = new Map<number, string>([
        [1, "userName"],
        [emailMatchingPrecedence, WORK_EMAIL_SCIM],
    ]);
    mappings.forEach((m, i) => {
        if (m.matchingPriority === undefined || m.object !== "User" || sameAttribute(m.targetAttributeName, WORK_EMAIL_SCIM)) return;
        const holder = taken.get(m.matchingPriority);
        if (holder) r.fail(`${amPath}[${i}].matchingPriority`, `${m.matchingPriority} is already the precedence of ${holder}; pick another.`);
        else taken.set(m.matchingPriority, m.targetAttributeName);
    });
}

function readProvisionOnDemand(r: Reader, v: unknown, podPath: string, assigned: Principals, provisionGroups: boolean): Principals {
    const pod = r.block<PrincipalsConfig>(v, podPath, "{users: [...], groups: [...]}", PRINCIPALS_KEYS);
    const users = r.stringList(pod?.users, join(podPath, "users"), "Entra user object ids", objectId(r, "user"));
    const groups = r.stringList(pod?.groups, join(podPath, "groups"), "Entra group object ids", objectId(r, "group"));
    const has = (list: readonly string[], id: string) => list.some((x) => x.toLowerCase() === id.toLowerCase());
    users.forEach((u, i) => {
        // Entra skips objects out of scope: on-demand users must be assigned (directly or by group).
        if (!has(assigned.users, u) && assigned.groups.length === 0) {
            r.fail(
                `${join(podPath, "users")}[${i}]`,
                `"${u}" is not assigned to the app (entra.assignments.users); Entra skips unassigned users when assignment is required.`,
            );
        }
    });
    groups.forEach((g, i) => {
        if (!has(assigned.groups, g)) {
            r.fail(`${join(podPath, "groups")}[${i}]`, `"${g}" is not assigned to the app (entra.assignments.groups); Entra skips unassigned groups.`);
        }
        if (!provisionGroups)
            r.fail(`${join(podPath, "groups")}[${i}]`, "groups are not provisioned (entra.provisionGroups is false); set it to true or drop this entry.");
    });
    return { users, groups };
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * An RFC 3339 date-time with its offset, on a real calendar day. JavaScript's Date.parse is laxer (2029-02-30 rolls
 * over to March 2, a missing offset reads as local time); a value it accepts and RFC 3339 does not would fail only
 * at `pulumi up`, in the azuread provider.
 */
function isRfc3339DateTime(s: string): boolean {
    const m = RFC3339.exec(s);
    if (!m) return false;
    const [year, month, day, hour, minute, second, offsetHour, offsetMinute] = m.slice(1).map((x) => Number(x ?? 0));
    const date = new Date(Date.UTC(year, month - 1, day));
    return (
        month >= 1 &&
        date.getUTCMonth() === month - 1 &&
        date.getUTCDate() === day &&
        hour < 24 &&
        minute < 60 &&
        second < 60 &&
        offsetHour < 24 &&
        offsetMinute < 60
    );
}

function readDateTime(r: Reader, v: unknown, path: string): string | undefined {
    const s = r.string(v, path, "RFC 3339 date, e.g. 2029-01-01T00:00:00Z");
    if (s !== undefined && !isRfc3339DateTime(s)) {
        r.fail(path, `"${s}" is not an RFC 3339 date-time such as 2029-01-01T00:00:00Z.`);
    }
    return s;
}
