// `connections[].scim`: Auth0's SCIM configuration (user id attribute, attribute mapping) and the SCIM token.
import { type Raw, type Reader, type Settled, isMissing, join, knownKeys } from "./reader";

/** Scopes Entra needs to provision users (Auth0's walkthrough). */
export const USER_TOKEN_SCOPES = ["get:users", "post:users", "patch:users", "delete:users"] as const;
/** Scopes Entra needs to provision groups; only when groups are provisioned. */
export const GROUP_TOKEN_SCOPES = ["get:groups", "post:groups", "patch:groups", "delete:groups"] as const;
/** Every scope the Management API accepts for a SCIM token. */
export const KNOWN_TOKEN_SCOPES = [...USER_TOKEN_SCOPES, "put:users", ...GROUP_TOKEN_SCOPES, "put:groups"] as const;

/** One entry of Auth0's SCIM attribute mapping. */
export interface ScimMapping {
    /** The SCIM attribute, e.g. `title` or `emails[type eq "work"].value`. */
    scim: string;
    /** The Auth0 user attribute, e.g. `app_metadata.title`. */
    auth0: string;
}

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

/** `connections[].scim` as written in config. */
export interface ScimConfig {
    /** SCIM attribute holding the user id. Default `userName` (the walkthrough's step 3A for SAML). */
    userIdAttribute?: string;
    /** Mappings merged over DEFAULT_SCIM_MAPPINGS by `scim` attribute; the work e-mail must stay mapped to `email`. */
    mappings?: ScimMapping[];
    /** SCIM token scopes. Default: the user scopes, plus the group scopes when `entra.provisionGroups` is true. */
    tokenScopes?: string[];
    /** Token lifetime in days (1-3650). Default: a token that never expires. */
    tokenLifetimeDays?: number;
    /** Rotate the token this many days after it was created; shorter than the lifetime. Default: never. */
    tokenRotationDays?: number;
}

/** ScimConfig with defaults applied; `mappings` is the complete list sent to Auth0, `tokenScopes` sorted. */
export type ScimSettings = Settled<ScimConfig, "tokenLifetimeDays" | "tokenRotationDays">;

export const SCIM_KEYS = knownKeys<ScimConfig>({ userIdAttribute: true, mappings: true, tokenScopes: true, tokenLifetimeDays: true, tokenRotationDays: true });
const MAPPING_KEYS = knownKeys<ScimMapping>({ scim: true, auth0: true });

/** Auth0's token_lifetime must be over 900 s; Auth0 caps nothing we know of, so a decade is our sanity bound. */
const MAX_TOKEN_DAYS = 3650;

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

/**
 * `raw`: the block with its keys already checked (Reader.block). `provisionGroups`: the connection's groups toggle
 * when it has an entra block (the scope checks need it).
 */
export function readScim(r: Reader, raw: Raw<ScimConfig> | undefined, path: string, provisionGroups: boolean | undefined): ScimSettings {
    const userIdAttribute = r.string(raw?.userIdAttribute, join(path, "userIdAttribute"), "a SCIM attribute such as userName") ?? "userName";
    const mappingsPath = join(path, "mappings");
    const mappings = mergeScimMappings(DEFAULT_SCIM_MAPPINGS, readMappings(r, raw?.mappings, mappingsPath));
    if (!mappings.some((m) => m.scim === userIdAttribute)) {
        r.fail(
            join(path, "userIdAttribute"),
            `"${userIdAttribute}" has no mapping; add {scim: "${userIdAttribute}", auth0: ...} to ${mappingsPath} or use userName.`,
        );
    }
    const tokenScopes = readTokenScopes(r, raw?.tokenScopes, join(path, "tokenScopes"), provisionGroups);
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

function readMappings(r: Reader, v: unknown, mappingsPath: string): ScimMapping[] {
    const configured: ScimMapping[] = [];
    const seenScim = new Map<string, number>();
    (r.array(v, mappingsPath, "[{scim, auth0}, ...]") ?? []).forEach((item, i) => {
        const p = `${mappingsPath}[${i}]`;
        const m = r.block<ScimMapping>(item, p, "{scim, auth0}", MAPPING_KEYS);
        if (!m) {
            if (isMissing(item)) r.fail(p, "must be an object {scim, auth0}.");
            return;
        }
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
    return configured;
}

function readTokenScopes(r: Reader, v: unknown, scopesPath: string, provisionGroups: boolean | undefined): string[] {
    const known = KNOWN_TOKEN_SCOPES as readonly string[];
    if (isMissing(v)) return sortScopes(defaultTokenScopes(provisionGroups ?? false));
    const tokenScopes = r.stringList(v, scopesPath, "Auth0 SCIM token scopes", (s, p) => {
        if (!known.includes(s)) {
            r.fail(p, `unknown token scope "${s}". Known scopes: ${known.join(" ")}.`);
            return false;
        }
        return true;
    });
    const missing = USER_TOKEN_SCOPES.filter((s) => !tokenScopes.includes(s));
    if (Array.isArray(v) && missing.length > 0) {
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
    return sortScopes(tokenScopes);
}
