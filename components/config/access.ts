// Who may sign in through a connection: `connections[].enabledClients` and `connections[].organizations`.
// Pure: reads raw values through the config reader and reports problems with their paths.
import { knownKeys } from "./reader";

/** The part of the config reader these blocks use (the stack's Reader has it). */
export interface ConfigReader {
    fail(path: string, message: string): undefined;
    object(v: unknown, path: string, hint: string): Record<string, unknown> | undefined;
    keys(o: Record<string, unknown>, path: string, known: readonly string[]): void;
    string(v: unknown, path: string, hint: string): string | undefined;
    boolean(v: unknown, path: string): boolean | undefined;
    array(v: unknown, path: string, hint: string): unknown[] | undefined;
    stringList(v: unknown, path: string, hint: string, check?: (s: string, p: string) => boolean): string[];
}

// UNCONFIRMED: Auth0 publishes no pattern for these ids. The shapes are the ones every recorded Management API
// body shows (terraform-provider-auth0's TestAccConnectionClients and TestAccOrganizationConnection cassettes):
// client ids are 32 letters and digits, organization ids `org_` and 16 letters and digits.
export const CLIENT_ID = /^[A-Za-z0-9]{32}$/;
export const ORGANIZATION_ID = /^org_[A-Za-z0-9]{16}$/;

/** One organization the connection is enabled for (@pulumi/auth0 OrganizationConnection). */
export interface OrganizationSettings {
    /** Organization id, `org_...`. */
    id: string;
    /** Users signing in through the connection become members of the organization. */
    assignMembershipOnLogin?: boolean;
    /** Organization sign-up through the connection; Auth0 allows it only with assignMembershipOnLogin. */
    isSignupEnabled?: boolean;
    /** Show the connection as a button on the organization's login prompt. */
    showAsButton?: boolean;
}

export interface ConnectionAccessSettings {
    /** Auth0 application (client) ids; undefined = not managed by the stack (left as the dashboard has it). */
    enabledClients?: string[];
    /** Organizations the connection is enabled for; each one is declared, others are left alone. */
    organizations: OrganizationSettings[];
}

export const ORGANIZATION_KEYS = knownKeys<OrganizationSettings>({ id: true, assignMembershipOnLogin: true, isSignupEnabled: true, showAsButton: true });

function describeId(s: string): string {
    if (ORGANIZATION_ID.test(s)) return " (that is an organization id: list it under organizations)";
    if (CLIENT_ID.test(s)) return " (that is an application's client id: list it under enabledClients)";
    if (s.startsWith("con_")) return " (that is a connection id)";
    return "";
}

function readEnabledClients(r: ConfigReader, v: unknown, path: string): string[] | undefined {
    if (v === undefined || v === null) return undefined;
    return r.stringList(v, path, "Auth0 application client ids", (s, p) => {
        if (CLIENT_ID.test(s)) return true;
        r.fail(
            p,
            `"${s}" is not an Auth0 client id${describeId(s)}: use the application's Client ID (32 letters and digits, Dashboard > Applications > the app > Settings).`,
        );
        return false;
    });
}

function readOrganization(r: ConfigReader, item: unknown, p: string): OrganizationSettings | undefined {
    const raw = r.object(item, p, "{id, assignMembershipOnLogin?, isSignupEnabled?, showAsButton?}");
    if (!raw) {
        if (item === undefined || item === null) r.fail(p, "must be an organization object {id, ...}.");
        return undefined;
    }
    r.keys(raw, p, ORGANIZATION_KEYS);
    const idPath = `${p}.id`;
    const id = r.string(raw.id, idPath, "the organization id, org_...");
    if (raw.id === undefined || raw.id === null) r.fail(idPath, "is required: the organization id (org_..., Dashboard > Organizations).");
    if (id !== undefined && !ORGANIZATION_ID.test(id)) {
        r.fail(
            idPath,
            `"${id}" is not an Auth0 organization id${describeId(id)}: use the id shown under Dashboard > Organizations (org_ and 16 letters and digits).`,
        );
        return undefined;
    }
    const assignMembershipOnLogin = r.boolean(raw.assignMembershipOnLogin, `${p}.assignMembershipOnLogin`);
    const isSignupEnabled = r.boolean(raw.isSignupEnabled, `${p}.isSignupEnabled`);
    const showAsButton = r.boolean(raw.showAsButton, `${p}.showAsButton`);
    if (isSignupEnabled === true && assignMembershipOnLogin !== true) {
        r.fail(`${p}.isSignupEnabled`, "can only be true together with assignMembershipOnLogin: true (Auth0 refuses sign-up without membership).");
    }
    if (id === undefined) return undefined;
    return {
        id,
        ...(assignMembershipOnLogin !== undefined ? { assignMembershipOnLogin } : {}),
        ...(isSignupEnabled !== undefined ? { isSignupEnabled } : {}),
        ...(showAsButton !== undefined ? { showAsButton } : {}),
    };
}

function readOrganizations(r: ConfigReader, v: unknown, path: string): OrganizationSettings[] {
    const out: OrganizationSettings[] = [];
    const seen = new Map<string, number>();
    (r.array(v, path, "[{id, assignMembershipOnLogin?, isSignupEnabled?, showAsButton?}, ...]") ?? []).forEach((item, i) => {
        const p = `${path}[${i}]`;
        const org = readOrganization(r, item, p);
        if (!org) return;
        const first = seen.get(org.id);
        if (first !== undefined) {
            r.fail(`${p}.id`, `duplicate of ${path}[${first}] ("${org.id}"); list each organization once.`);
            return;
        }
        seen.set(org.id, i);
        out.push(org);
    });
    return out;
}

/** Reads `enabledClients` and `organizations` of the connection at `path`. */
export function readConnectionAccess(r: ConfigReader, raw: Record<string, unknown>, path: string): ConnectionAccessSettings {
    const enabledClients = readEnabledClients(r, raw.enabledClients, `${path}.enabledClients`);
    const organizations = readOrganizations(r, raw.organizations, `${path}.organizations`);
    return { ...(enabledClients !== undefined ? { enabledClients } : {}), organizations };
}
