// What every check module shares: the run's context, request outcomes as values, and evidence lines.
import { randomBytes, randomUUID } from "node:crypto";
import type { Dialect } from "../dialect";
import { LIST_RESPONSE_SCHEMA } from "../dialect";
import { type RequestOptions, type ScimClient, ScimRequestError, type ScimResponse, describeRateLimit } from "../http";
import type { CheckGroup, CheckResult, CheckStatus, TestObject } from "../report";

/** Every test user and group name starts with this, so that leftovers can be listed and recognised. */
export const TEST_PREFIX = "auth0-entra-scim-verify-";
/** Reserved for documentation (RFC 2606): mail to it goes nowhere. */
export const TEST_EMAIL_DOMAIN = "example.com";

export interface Tracked extends TestObject {
    /** Confirmed gone (404 after DELETE). */
    gone: boolean;
}

/** What the run created, or may have created (a POST without an answer), for cleanup to undo. */
export interface Created {
    users: Tracked[];
    groups: Tracked[];
    /** userNames / displayNames whose POST got no answer: they may exist without a known id. */
    unconfirmedUsers: string[];
    unconfirmedGroups: string[];
}

export interface RunContext {
    client: ScimClient;
    dialect: Dialect;
    /** Declared token scopes, or null when unknown. */
    scopes: string[] | null;
    runId: string;
    created: Created;
    /** Scopes the endpoint refused with 401/403 after accepting the token, with the request that showed it. */
    deniedScopes: Map<string, string>;
    /** Scopes whose operations answered with success. */
    workedScopes: Set<string>;
    /** Set when the run is interrupted (Ctrl-C): checks stop, cleanup still runs. */
    interrupted: () => boolean;
    record(result: CheckResult): void;
}

export function newRunId(now: Date = new Date()): string {
    const stamp = now
        .toISOString()
        .replace(/[-:]/g, "")
        .replace(/\.\d+Z$/, "z")
        .toLowerCase();
    return `${stamp}-${randomBytes(3).toString("hex")}`;
}

export function randomSuffix(): string {
    return randomBytes(4).toString("hex");
}

export function newExternalId(): string {
    return randomUUID();
}

export function emptyCreated(): Created {
    return { users: [], groups: [], unconfirmedUsers: [], unconfirmedGroups: [] };
}

export type Outcome = { ok: true; res: ScimResponse; line: string } | { ok: false; error: ScimRequestError; line: string };

/** Sends one request and returns its outcome as a value, with the evidence line for the report. */
export async function send(ctx: RunContext, method: string, path: string, options: RequestOptions = {}): Promise<Outcome> {
    try {
        const res = await ctx.client.request(method, path, options);
        const entry = ctx.client.log[ctx.client.log.length - 1];
        return { ok: true, res, line: `${method} ${entry.path} -> ${res.status}` };
    } catch (err) {
        if (!(err instanceof ScimRequestError)) throw err;
        const entry = ctx.client.log[ctx.client.log.length - 1];
        const sent = entry && entry.method === method && !err.message.includes("not sent");
        return { ok: false, error: err, line: sent ? `${method} ${entry.path} -> ${err.kind}` : `${method} ${path} -> not sent (${err.kind})` };
    }
}

/** A success; the brand keeps TypeScript from concluding, when this is false, that the request failed outright. */
export type Success = Extract<Outcome, { ok: true }> & { readonly __success: true };

export function is2xx(o: Outcome): o is Success {
    return o.ok && o.res.status >= 200 && o.res.status < 300;
}

/** "HTTP 400 invalidSyntax: Unsupported op" from a SCIM Error body, or the status and an excerpt. */
export function describeFailure(o: Outcome): string {
    if (!o.ok) return o.error.message;
    if (o.res.rateLimited) return `HTTP 429 ${describeRateLimit(o.res.rateLimited)}`;
    const body = o.res.body as { detail?: unknown; scimType?: unknown; message?: unknown; error?: unknown } | undefined;
    const code = typeof body?.scimType === "string" ? ` ${body.scimType}` : typeof body?.error === "string" ? ` ${body.error}` : "";
    const detail = typeof body?.detail === "string" ? body.detail : typeof body?.message === "string" ? body.message : o.res.excerpt;
    return `HTTP ${o.res.status}${code}${detail ? `: ${detail}` : ""}`;
}

export function result(
    id: string,
    group: CheckGroup,
    title: string,
    status: CheckStatus,
    reason: string,
    extra: { hint?: string; evidence?: string[] } = {},
): CheckResult {
    return { id, group, title, status, reason, ...(extra.hint ? { hint: extra.hint } : {}), ...(extra.evidence?.length ? { evidence: extra.evidence } : {}) };
}

export interface ListResponse {
    totalResults: number;
    resources: Array<Record<string, unknown>>;
    itemsPerPage?: number;
}

/** Reads a SCIM ListResponse; undefined when the body is not one. */
export function asListResponse(body: unknown): ListResponse | undefined {
    const b = body as { schemas?: unknown; totalResults?: unknown; Resources?: unknown; itemsPerPage?: unknown } | undefined;
    if (!b || typeof b !== "object") return undefined;
    const isList = Array.isArray(b.schemas) && b.schemas.includes(LIST_RESPONSE_SCHEMA);
    if (!isList && typeof b.totalResults !== "number") return undefined;
    const resources = Array.isArray(b.Resources) ? (b.Resources as Array<Record<string, unknown>>) : [];
    return {
        totalResults: typeof b.totalResults === "number" ? b.totalResults : resources.length,
        resources,
        ...(typeof b.itemsPerPage === "number" ? { itemsPerPage: b.itemsPerPage } : {}),
    };
}

/** The Auth0 SCIM token scope an operation on a resource type needs. */
export function scopeFor(method: string, resource: "users" | "groups"): string {
    return `${method.toLowerCase()}:${resource}`;
}

/** Records what a response says about the token's scopes (403/401 after the token was accepted). */
export function noteScope(ctx: RunContext, o: Outcome, scope: string): void {
    if (!o.ok) return;
    if (o.res.status === 401 || o.res.status === 403) {
        if (!ctx.deniedScopes.has(scope)) ctx.deniedScopes.set(scope, `${o.line} (${describeFailure(o)})`);
    } else if (o.res.status < 400 || o.res.status === 404) {
        ctx.workedScopes.add(scope);
    }
}

export function pathId(id: string): string {
    // Auth0 user ids hold "|" (e.g. "samlp|connection|name"): always encode.
    return encodeURIComponent(id);
}

export function scopeHint(scope: string): string {
    return `the token lacks ${scope}: issue a token with it (stack config scim.tokenScopes, then pulumi up) and give Entra the new token`;
}

export const RATE_LIMIT_HINT =
    "the endpoint is rate limiting, which says nothing about the token: Auth0 allows 25 SCIM requests/s per connection and 100/s per tenant, " +
    "and something else (Entra's own cycle, other connections, another run) is using that budget; run again after the Retry-After, or with a lower --rate";

/** A hint for a failed request, by its kind and status. */
export function genericHint(o: Outcome, scope?: string): string | undefined {
    if (!o.ok) {
        if (o.error.kind === "timeout")
            return "the endpoint did not answer in time: Entra gives up too and retries on its next cycle; check the endpoint's health or raise --timeout-ms";
        if (o.error.kind === "budget" || o.error.kind === "deadline") return "the run hit its request or time limit: raise --max-requests / --max-duration-s";
        return "check the URL, DNS and any proxy between this machine and the endpoint";
    }
    if ((o.res.status === 401 || o.res.status === 403) && scope) return scopeHint(scope);
    if (o.res.status === 429) return RATE_LIMIT_HINT;
    if (o.res.status >= 500) return "a server error: Entra retries failed exports and, if they keep failing, quarantines the provisioning job";
    return undefined;
}
