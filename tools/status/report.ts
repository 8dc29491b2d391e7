// What `npm run status` says per connection, from what Auth0 answered. Pure: no I/O, so tests feed it answers.
import type { Management } from "auth0";

export interface TokenStatus {
    tokenId: string;
    scopes: string[];
    createdAt?: string;
    /** Absent: never expires. */
    validUntil?: string;
    /** Absent: Auth0 has no record of a use. */
    lastUsedAt?: string;
    expired: boolean;
    /** Expires within the warning window. */
    expiresSoon: boolean;
}

/** flowing: a token was used recently; stalled: SCIM is set up but no token was used lately (or ever); waiting: not set up yet. */
export type ProvisioningState = "flowing" | "stalled" | "waiting" | "off" | "missing";

export interface ConnectionStatus {
    connection: string;
    connectionId?: string;
    mode: "self-service" | "managed" | "auth0-only";
    /** The connection no longer exists in Auth0. */
    missing?: boolean;
    samlConfigured: boolean;
    /** When the IdP's signing certificate expires, as Auth0 read it. */
    samlCertificateExpires?: string;
    setUserRootAttributes?: string;
    scimConfigured: boolean;
    tokens: TokenStatus[];
    provisioning: ProvisioningState;
    notes: string[];
}

export interface StatusOptions {
    now: number;
    /** A token used within this many hours counts as flowing. Entra syncs every 40 minutes. */
    flowingWithinHours: number;
    /** Tokens expiring within this many days are flagged. */
    expiryWarningDays: number;
}

export const DEFAULT_STATUS_OPTIONS: Omit<StatusOptions, "now"> = { flowingWithinHours: 24, expiryWarningDays: 14 };

type SamlOptions = { signInEndpoint?: unknown; thumbprints?: unknown; cert?: unknown; expires?: unknown; set_user_root_attributes?: unknown };

/** SAML is configured when Auth0 has a sign-in URL and a certificate (thumbprints) for the IdP. */
function samlOf(connection: Management.GetConnectionResponseContent): { configured: boolean; expires?: string; setUserRootAttributes?: string } {
    const o = (connection.options ?? {}) as SamlOptions;
    const hasCert = (Array.isArray(o.thumbprints) && o.thumbprints.length > 0) || (typeof o.cert === "string" && o.cert !== "");
    return {
        configured: typeof o.signInEndpoint === "string" && o.signInEndpoint !== "" && hasCert,
        ...(typeof o.expires === "string" ? { expires: o.expires } : {}),
        ...(typeof o.set_user_root_attributes === "string" ? { setUserRootAttributes: o.set_user_root_attributes } : {}),
    };
}

export function tokenStatus(t: Management.ScimTokenItem, options: StatusOptions): TokenStatus {
    const until = t.valid_until ? Date.parse(t.valid_until) : undefined;
    return {
        tokenId: t.token_id ?? "(no id)",
        scopes: [...(t.scopes ?? [])],
        ...(t.created_at ? { createdAt: t.created_at } : {}),
        ...(t.valid_until ? { validUntil: t.valid_until } : {}),
        ...(t.last_used_at ? { lastUsedAt: t.last_used_at } : {}),
        expired: until !== undefined && until <= options.now,
        expiresSoon: until !== undefined && until > options.now && until - options.now <= options.expiryWarningDays * 86_400_000,
    };
}

function provisioningOf(scimConfigured: boolean, tokens: TokenStatus[], options: StatusOptions): ProvisioningState {
    if (!scimConfigured) return "off";
    const live = tokens.filter((t) => !t.expired);
    if (live.length === 0) return "waiting";
    const lastUse = Math.max(...live.map((t) => (t.lastUsedAt ? Date.parse(t.lastUsedAt) : 0)));
    return lastUse > 0 && options.now - lastUse <= options.flowingWithinHours * 3_600_000 ? "flowing" : "stalled";
}

export interface AuthZeroAnswers {
    connection?: Management.GetConnectionResponseContent;
    scimConfiguration?: Management.GetScimConfigurationResponseContent;
    tokens: Management.ScimTokenItem[];
}

/** One connection's status from Auth0's answers (undefined connection = it is gone). */
export function connectionStatus(
    name: string,
    mode: ConnectionStatus["mode"],
    connectionId: string | undefined,
    answers: AuthZeroAnswers,
    options: StatusOptions,
): ConnectionStatus {
    if (!answers.connection) {
        return {
            connection: name,
            ...(connectionId ? { connectionId } : {}),
            mode,
            missing: true,
            samlConfigured: false,
            scimConfigured: false,
            tokens: [],
            provisioning: "missing",
            notes: ["Auth0 has no connection with this id: run pulumi up (or pulumi refresh) for the stack."],
        };
    }
    const saml = samlOf(answers.connection);
    const tokens = answers.tokens.map((t) => tokenStatus(t, options));
    const scimConfigured = answers.scimConfiguration !== undefined;
    const provisioning = provisioningOf(scimConfigured, tokens, options);
    const notes: string[] = [];
    if (!saml.configured && mode === "self-service")
        notes.push("SAML not set up yet: the customer's admin has not finished the ticket's SSO step (npm run ticket).");
    if (provisioning === "waiting" && mode === "self-service") notes.push("No SCIM token yet: the admin generates one in the ticket's provisioning step.");
    if (provisioning === "stalled")
        notes.push(`No token used in the last ${options.flowingWithinHours} hours: check Entra's provisioning logs and job status.`);
    for (const t of tokens) {
        if (t.expired) notes.push(`Token ${t.tokenId} expired ${t.validUntil}.`);
        else if (t.expiresSoon)
            notes.push(`Token ${t.tokenId} expires ${t.validUntil}: ${mode === "self-service" ? "the admin needs a new one" : "pulumi up rotates it"}.`);
    }
    if (saml.setUserRootAttributes === undefined || saml.setUserRootAttributes === "on_each_login") {
        if (saml.configured) notes.push("Sync user profile attributes at each login is on: with SCIM, Auth0 advises turning it off (on_first_login).");
    }
    return {
        connection: name,
        ...(connectionId ? { connectionId } : {}),
        mode,
        samlConfigured: saml.configured,
        ...(saml.expires ? { samlCertificateExpires: saml.expires } : {}),
        ...(saml.setUserRootAttributes ? { setUserRootAttributes: saml.setUserRootAttributes } : {}),
        scimConfigured,
        tokens,
        provisioning,
        notes,
    };
}

function tokenLine(t: TokenStatus): string {
    const parts = [
        t.createdAt ? `created ${t.createdAt}` : undefined,
        t.validUntil ? `${t.expired ? "expired" : "valid until"} ${t.validUntil}` : "never expires",
        t.lastUsedAt ? `last used ${t.lastUsedAt}` : "never used",
    ].filter(Boolean);
    return `    - ${t.tokenId}: ${parts.join(", ")}`;
}

export function renderStatus(stack: string, statuses: ConnectionStatus[]): string {
    const lines = [`Stack ${stack}: ${statuses.length} connection${statuses.length === 1 ? "" : "s"}`];
    for (const s of statuses) {
        lines.push("");
        lines.push(`${s.connection} (${s.mode}${s.connectionId ? `, ${s.connectionId}` : ""}): provisioning ${s.provisioning}`);
        if (!s.missing) {
            lines.push(
                `  SAML: ${s.samlConfigured ? `configured${s.samlCertificateExpires ? `, certificate expires ${s.samlCertificateExpires}` : ""}` : "not configured"}`,
            );
            lines.push(`  SCIM: ${s.scimConfigured ? `configured, ${s.tokens.length} token${s.tokens.length === 1 ? "" : "s"}` : "off"}`);
            lines.push(...s.tokens.map(tokenLine));
        }
        lines.push(...s.notes.map((n) => `  ! ${n}`));
    }
    return lines.join("\n");
}
