// The requests Entra's provisioning service sends, in the dialect the tenant URL selects.
// Shapes from Microsoft's SCIM guide and its "Known issues ... SCIM 2.0 protocol compliance" page
// (see shared/reference/entra-provisioning.md, "?aadOptscim062020").
import { AAD_SCIM_FLAG } from "../../components/helpers/urls";

/** `aadOptscim062020`: lowercase ops, boolean `active`, multi-attribute replace in one op. `scim2017`: the older one. */
export type Dialect = "aadOptscim062020" | "scim2017";

/** Microsoft's roll-back flag: forces the 2017 behaviour. */
export const SCIM_2017_FLAG = "AzureAdScimPatch2017";

export const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
export const ENTERPRISE_USER_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
export const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
/** Entra's own marker on group creation; a SCIM server must tolerate it. */
export const ENTRA_GROUP_SCHEMA = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group";
export const PATCH_OP_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
export const LIST_RESPONSE_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
export const WORK_EMAIL_PATH = 'emails[type eq "work"].value';

export interface PatchOperation {
    op: string;
    path?: string;
    value?: unknown;
}

export interface PatchRequest {
    schemas: string[];
    Operations: PatchOperation[];
}

/** Whether the URL has the query parameter, in any case (Entra reads its flags case-insensitively). */
export function hasParam(url: URL, name: string): boolean {
    return [...url.searchParams.keys()].some((k) => k.toLowerCase() === name.toLowerCase());
}

/**
 * Splits the URL Entra is given into the SCIM base URL it calls and the dialect its flags select.
 * Entra treats the flags as its own switches; without either flag this assumes the 2017 dialect,
 * which is what Entra has sent to non-gallery apps without the flag.
 */
export function parseTenantUrl(tenantUrl: string): { scimUrl: string; dialect: Dialect } {
    const url = new URL(tenantUrl);
    const flag2020 = hasParam(url, AAD_SCIM_FLAG);
    const flag2017 = hasParam(url, SCIM_2017_FLAG);
    for (const key of [...url.searchParams.keys()]) {
        if ([AAD_SCIM_FLAG, SCIM_2017_FLAG].some((f) => f.toLowerCase() === key.toLowerCase())) url.searchParams.delete(key);
    }
    const scimUrl = url.toString().replace(/\?$/, "").replace(/\/+$/, "");
    return { scimUrl, dialect: flag2020 && !flag2017 ? "aadOptscim062020" : "scim2017" };
}

function patch(ops: PatchOperation[]): PatchRequest {
    return { schemas: [PATCH_OP_SCHEMA], Operations: ops };
}

function op(dialect: Dialect, name: "add" | "replace" | "remove"): string {
    return dialect === "aadOptscim062020" ? name : name.charAt(0).toUpperCase() + name.slice(1);
}

export interface TestUser {
    externalId: string;
    userName: string;
    workEmail: string;
    givenName: string;
    familyName: string;
}

/** POST /Users as Entra sends it with the default attribute mappings. */
export function createUserBody(u: TestUser): Record<string, unknown> {
    return {
        schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
        externalId: u.externalId,
        userName: u.userName,
        active: true,
        displayName: `${u.givenName} ${u.familyName}`,
        emails: [{ primary: true, type: "work", value: u.workEmail }],
        meta: { resourceType: "User" },
        name: { formatted: `${u.givenName} ${u.familyName}`, familyName: u.familyName, givenName: u.givenName },
    };
}

/** POST /Groups as Entra sends it: no members yet, Entra's marker schema included. */
export function createGroupBody(externalId: string, displayName: string): Record<string, unknown> {
    return {
        schemas: [GROUP_SCHEMA, ENTRA_GROUP_SCHEMA],
        externalId,
        displayName,
        meta: { resourceType: "Group" },
    };
}

/** A filtered path such as the work email always stays its own op. */
export function replaceWorkEmail(dialect: Dialect, value: string): PatchRequest {
    return patch([{ op: op(dialect, "replace"), path: WORK_EMAIL_PATH, value }]);
}

/** Several single-valued attributes: one op with a value object (flag), or one op per path (2017). */
export function replaceName(dialect: Dialect, n: { givenName: string; familyName: string; displayName: string }): PatchRequest {
    if (dialect === "aadOptscim062020") {
        return patch([
            {
                op: "replace",
                value: { displayName: n.displayName, "name.givenName": n.givenName, "name.familyName": n.familyName },
            },
        ]);
    }
    return patch([
        { op: "Replace", path: "displayName", value: n.displayName },
        { op: "Replace", path: "name.givenName", value: n.givenName },
        { op: "Replace", path: "name.familyName", value: n.familyName },
    ]);
}

/** Disable: boolean false (flag) or the string "False" (2017). */
export function disableUser(dialect: Dialect): PatchRequest {
    return patch([{ op: op(dialect, "replace"), path: "active", value: dialect === "aadOptscim062020" ? false : "False" }]);
}

export function addMember(dialect: Dialect, userId: string): PatchRequest {
    return patch([{ op: op(dialect, "add"), path: "members", value: [{ value: userId }] }]);
}

/** Member removal: a value filter in the path (flag), or the member in `value` (2017). */
export function removeMember(dialect: Dialect, userId: string): PatchRequest {
    if (dialect === "aadOptscim062020") {
        return patch([{ op: "remove", path: `members[value eq "${userId}"]` }]);
    }
    return patch([{ op: "Remove", path: "members", value: [{ value: userId }] }]);
}

/** The same request with its ops in the other case; used only to name why a server refused one. */
export function withOtherOpCase(req: PatchRequest): PatchRequest {
    return patch(
        req.Operations.map((o) => {
            const lower = o.op.toLowerCase();
            return { ...o, op: o.op === lower ? lower.charAt(0).toUpperCase() + lower.slice(1) : lower };
        }),
    );
}

/** A SCIM filter value in double quotes, escaped as RFC 7644 §3.4.2.2 asks. */
export function filterEq(attribute: string, value: string): string {
    return `${attribute} eq ${JSON.stringify(value)}`;
}
