// Auth0 Management API client for SCIM tokens, used by the ScimToken provider (inside the Pulumi provider
// process) through the official `auth0` SDK (v7: ManagementClient.connections.scimConfiguration.tokens). Its SDK
// client (managementClient) and retry loop (retryManagementCall) also serve `npm run ticket` and `npm run status`.
//
// Credentials are resolved when a call is made, the way the Auth0 Pulumi provider resolves them: the `auth0:*`
// stack config delivered to the provider process, else AUTH0_* (components/clients/credentials/auth0.ts). Nothing
// here ends up in the serialized provider or in state.
//
// Retries are ours, not the SDK's (maxRetries 0): the SDK sleeps for real and retries every 5xx, POST included.
// A POST that failed with a 5xx or timeout may still have issued a token, so it is never repeated blindly;
// the error lists the connection's tokens instead. 429 is always retried: Auth0 did not process the request.
import { setTimeout as sleep } from "node:timers/promises";
import { ManagementClient, ManagementError, ManagementTimeoutError } from "auth0";
import { type Auth0Credentials, Auth0CredentialsError, SCIM_TOKEN_API_SCOPES, auth0Name } from "./credentials";
import { retryAfterMs } from "../helpers/retryAfter";

// The credential settings live with the Entra ones (one source of truth); kept importable from here.
export {
    AUTH0_CONFIG_KEYS,
    AUTH0_ENV_VARS,
    type Auth0Credentials,
    Auth0CredentialsError,
    type ConfigLookup,
    SCIM_TOKEN_API_SCOPES,
    auth0Name,
    resolveAuth0Credentials,
} from "./credentials";

/** A Management API call that failed: names the operation, the HTTP status, Auth0's error code and message. */
export class Auth0ApiError extends Error {
    readonly operation!: string;
    readonly method!: string;
    readonly path!: string;
    /** HTTP status; 0 when no response arrived (timeout, network). */
    readonly status!: number;
    readonly errorCode?: string;
    readonly apiMessage?: string;
    readonly attempts!: number;

    constructor(args: {
        operation: string;
        method: string;
        path: string;
        status: number;
        errorCode?: string;
        apiMessage?: string;
        attempts: number;
        hint?: string;
    }) {
        let text = `Auth0 Management API: ${args.operation} failed `;
        text +=
            args.status === 0
                ? `(no response on ${args.method} ${args.path}: ${args.apiMessage ?? "network error"})`
                : `(HTTP ${args.status} on ${args.method} ${args.path})`;
        if (args.status !== 0 && (args.errorCode || args.apiMessage)) text += `: ${[args.errorCode, args.apiMessage].filter(Boolean).join(": ")}`;
        if (args.attempts > 1) text += ` (after ${args.attempts} attempts)`;
        if (args.hint) text += `. ${args.hint}`;
        super(text);
        this.name = "Auth0ApiError";
        const { hint: _hint, ...fields } = args;
        Object.assign(this, fields);
    }
}

export interface ScimTokenInfo {
    tokenId: string;
    scopes: string[];
    createdAt: string;
    /** Undefined: the token never expires. */
    validUntil?: string;
    lastUsedAt?: string;
}

export interface IssuedScimToken extends ScimTokenInfo {
    /** The bearer value: returned once, never readable again. A secret. */
    token: string;
}

/** How the SDK client reaches Auth0: the per-attempt timeout, and a local stand-in in tests. */
export interface ManagementTransport {
    /** Tests only: an http://127.0.0.1:PORT (or localhost) origin that stands in for https://{domain}. */
    baseUrl?: string;
    /** Per-attempt timeout. Default 30 s. */
    timeoutSeconds?: number;
}

export interface Auth0ManagementOptions extends ManagementTransport {
    credentials: Auth0Credentials;
    /** Attempts per call, first included. Default: 5 for SCIM tokens, 4 for the onboarding commands. */
    maxAttempts?: number;
    /** Upper bound of one wait, whatever X-RateLimit-Reset says. Default 60 s. */
    maxDelayMs?: number;
    /** Replaced in tests so nothing sleeps for real. */
    sleep?: (ms: number) => Promise<void>;
    /** Clock for X-RateLimit-Reset (epoch seconds). */
    now?: () => number;
}

const defaultSleep = (ms: number): Promise<void> => sleep(ms);

/**
 * Wait for a 429, in ms: until X-RateLimit-Reset (epoch seconds), else Retry-After (seconds or an HTTP date), else backoff.
 * Auth0 sends X-RateLimit-Reset on Management API 429s; a reset already past means "now", so wait a little.
 */
export function rateLimitDelayMs(headers: { get(name: string): string | null } | undefined, now: number, attempt: number): number {
    const reset = headers?.get("x-ratelimit-reset");
    if (reset && /^\d+$/.test(reset.trim())) return Math.max(250, Number(reset) * 1000 - now);
    return retryAfterMs(headers?.get("retry-after"), now) ?? backoffMs(attempt);
}

function backoffMs(attempt: number): number {
    return 500 * 2 ** (attempt - 1);
}

const RETRIABLE_WHEN_IDEMPOTENT = new Set([500, 502, 503, 504]);

/** What an SDK call's error says: the status (0: no response), Auth0's code and words, and the response headers. */
export interface Auth0Failure {
    status: number;
    errorCode?: string;
    apiMessage?: string;
    headers?: { get(name: string): string | null };
    /** The client-credentials grant (POST /oauth/token) failed, not the Management API call. */
    tokenRequest: boolean;
}

/** The failure an SDK error reports; undefined for an error the SDK did not raise (a bug: rethrown as is). */
export function describeFailure(e: unknown): Auth0Failure | undefined {
    if (e instanceof ManagementTimeoutError) return { status: 0, apiMessage: "timed out", tokenRequest: false };
    // The SDK turns a network failure of an API call into a ManagementError, but rethrows one of its token request
    // (POST /oauth/token) as fetch's own TypeError (auth0 token-provider.js).
    if (e instanceof TypeError && e.message === "fetch failed") {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        return { status: 0, apiMessage: `no response (${cause?.code ?? cause?.message ?? "fetch failed"})`, tokenRequest: true };
    }
    if (!(e instanceof ManagementError)) return undefined;
    const body = e.body && typeof e.body === "object" ? (e.body as Record<string, unknown>) : undefined;
    const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
    // The API answers {statusCode, error (the reason phrase), message, errorCode?}; the client-credentials
    // grant answers {error (a code such as access_denied), error_description}.
    const tokenRequest = e.message.startsWith("ManagementClient: token request");
    return {
        status: e.statusCode ?? 0,
        errorCode: str(body?.errorCode) ?? (body && !("statusCode" in body) ? str(body.error) : undefined),
        apiMessage:
            str(body?.message) ??
            str(body?.error_description) ??
            (typeof e.body === "string" ? e.body.slice(0, 300) : undefined) ??
            (e.statusCode === undefined ? e.message.split("\n")[0] : undefined),
        headers: e.rawResponse?.headers,
        tokenRequest,
    };
}

/** Why the client-credentials grant failed, naming the settings the credentials actually use (secret or assertion key). */
export function tokenRequestHint(credentials: Auth0Credentials): string {
    return (
        `Could not get a Management API access token for client ${credentials.clientId ?? "(unset)"} at https://${credentials.domain}/oauth/token: ` +
        `check ${auth0Name("clientId")} and ${credentials.clientAssertionSigningKey ? auth0Name("clientAssertionPrivateKey") : auth0Name("clientSecret")}, ` +
        "and that the application is authorized for the Auth0 Management API."
    );
}

function hintFor(f: Auth0Failure, method: string, credentials: Auth0Credentials, scope: string): string | undefined {
    if (f.tokenRequest) return tokenRequestHint(credentials);
    if (f.status === 401)
        return `The Management API rejected the access token: check ${auth0Name("apiToken")} or the client credentials, and ${auth0Name("domain")}.`;
    if (f.status === 403)
        return `The machine-to-machine application likely lacks the Management API scope ${scope} (it needs ${SCIM_TOKEN_API_SCOPES.join(" ")}).`;
    if (f.status === 404 && method !== "DELETE")
        return "The connection does not exist, or SCIM is not enabled on it (no scim-configuration): create the connection's SCIM configuration first.";
    return undefined;
}

function tokenInfo(t: { token_id?: string; scopes?: string[]; created_at?: string; valid_until?: string; last_used_at?: string }): ScimTokenInfo {
    return {
        tokenId: t.token_id ?? "",
        scopes: [...(t.scopes ?? [])],
        createdAt: t.created_at ?? "",
        ...(t.valid_until ? { validUntil: t.valid_until } : {}),
        ...(t.last_used_at ? { lastUsedAt: t.last_used_at } : {}),
    };
}

/** One line per token: id, creation, expiry, last use. Never the value (GET does not return it anyway). */
export function describeTokens(tokens: ScimTokenInfo[]): string {
    if (tokens.length === 0) return "  (none listed)";
    return tokens
        .map((t) => {
            const parts = [
                `created ${t.createdAt}`,
                t.validUntil ? `valid until ${t.validUntil}` : "never expires",
                t.lastUsedAt ? `last used ${t.lastUsedAt}` : "never used",
            ];
            return `  - ${t.tokenId}: ${parts.join(", ")}`;
        })
        .join("\n");
}

export function loopbackFetch(domain: string, baseUrl: string): typeof fetch {
    const target = new URL(baseUrl);
    if (target.protocol !== "http:" && target.protocol !== "https:") throw new Auth0CredentialsError(`baseUrl must be http(s); got ${baseUrl}`);
    if (target.protocol === "http:" && !["127.0.0.1", "localhost", "[::1]"].includes(target.hostname)) {
        throw new Auth0CredentialsError(`baseUrl over plain http is only for a local stand-in (127.0.0.1 or localhost); got ${target.host}.`);
    }
    const from = `https://${domain}`;
    return (input, init) => {
        const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
        return fetch(url.startsWith(from) ? target.origin + url.slice(from.length) : url, init);
    };
}

/**
 * The SDK client for the one sign-in method the credentials name (resolveAuth0Credentials picked it: API token,
 * client assertion or client secret), with their audience and custom-domain header. The SDK never retries
 * (maxRetries 0): retryManagementCall does.
 */
export function managementClient(c: Auth0Credentials, transport: ManagementTransport = {}): ManagementClient {
    const common = {
        domain: c.domain,
        maxRetries: 0,
        timeoutInSeconds: transport.timeoutSeconds ?? 30,
        logging: { silent: true },
        ...(c.audience ? { audience: c.audience } : {}),
        ...(c.customDomainHeader ? { withCustomDomainHeader: c.customDomainHeader } : {}),
        ...(transport.baseUrl ? { fetch: loopbackFetch(c.domain, transport.baseUrl) } : {}),
    };
    if (c.apiToken) return new ManagementClient({ ...common, token: c.apiToken });
    if (!c.clientId) throw new Auth0CredentialsError(`Auth0 credentials: ${auth0Name("clientId")} is not set.`);
    if (c.clientAssertionSigningKey) {
        return new ManagementClient({
            ...common,
            clientId: c.clientId,
            clientAssertionSigningKey: c.clientAssertionSigningKey,
            ...(c.clientAssertionSigningAlg ? { clientAssertionSigningAlg: c.clientAssertionSigningAlg } : {}),
        });
    }
    return new ManagementClient({ ...common, clientId: c.clientId, clientSecret: c.clientSecret ?? "" });
}

/** How often and how long to retry, from the options (`defaultAttempts` when maxAttempts is unset). */
export interface RetryPolicy {
    maxAttempts: number;
    maxDelayMs: number;
    sleep: (ms: number) => Promise<void>;
    now: () => number;
}

export function retryPolicy(options: Omit<Auth0ManagementOptions, "credentials">, defaultAttempts: number): RetryPolicy {
    return {
        maxAttempts: Math.max(1, options.maxAttempts ?? defaultAttempts),
        maxDelayMs: options.maxDelayMs ?? 60_000,
        sleep: options.sleep ?? defaultSleep,
        now: options.now ?? Date.now,
    };
}

/** A transient failure: rate limited, no response, timed out (the SDK's 408 for its token request) or a 5xx. */
function transient(status: number): boolean {
    return status === 0 || status === 408 || status === 429 || RETRIABLE_WHEN_IDEMPOTENT.has(status);
}

/**
 * Runs one SDK call with bounded retries: 429 always (Auth0 did not process it), waiting until X-RateLimit-Reset;
 * 5xx, timeouts and network errors only when `idempotent`, or when they hit the access-token request, before the
 * call itself was sent (a rejected grant, 401/403, is final). When it gives up, throws what `giveUp` makes of the
 * last failure; an error the SDK did not raise is rethrown as is.
 */
export async function retryManagementCall<T>(
    policy: RetryPolicy,
    idempotent: boolean,
    fn: () => Promise<T>,
    giveUp: (failure: Auth0Failure, attempts: number) => Error,
): Promise<T> {
    for (let attempt = 1; ; attempt++) {
        try {
            return await fn();
        } catch (e) {
            const f = describeFailure(e);
            if (!f) throw e;
            const retriable = f.tokenRequest
                ? transient(f.status)
                : f.status === 429 || (idempotent && (f.status === 0 || RETRIABLE_WHEN_IDEMPOTENT.has(f.status)));
            if (!retriable || attempt >= policy.maxAttempts) throw giveUp(f, attempt);
            const wait = f.status === 429 ? rateLimitDelayMs(f.headers, policy.now(), attempt) : backoffMs(attempt);
            await policy.sleep(Math.min(wait, policy.maxDelayMs));
        }
    }
}

/** SCIM token calls for one set of credentials. Cheap to make: the provider makes one per operation. */
export class ScimTokenApi {
    private readonly client: ManagementClient;
    private readonly credentials: Auth0Credentials;
    private readonly retry: RetryPolicy;

    constructor(options: Auth0ManagementOptions) {
        this.credentials = options.credentials;
        this.retry = retryPolicy(options, 5);
        this.client = managementClient(options.credentials, options);
    }

    private path(connectionId: string, tokenId?: string): string {
        return `/api/v2/connections/${encodeURIComponent(connectionId)}/scim-configuration/tokens${tokenId ? `/${tokenId === "{tokenId}" ? tokenId : encodeURIComponent(tokenId)}` : ""}`;
    }

    /** One SDK call through retryManagementCall; a final failure becomes an Auth0ApiError naming the operation. */
    private call<T>(op: { operation: string; method: string; path: string; scope: string; idempotent: boolean }, fn: () => Promise<T>): Promise<T> {
        return retryManagementCall(this.retry, op.idempotent, fn, (f, attempts) => {
            return new Auth0ApiError({
                operation: op.operation,
                method: f.tokenRequest ? "POST" : op.method,
                path: f.tokenRequest ? "/oauth/token" : op.path,
                status: f.status,
                errorCode: f.errorCode,
                apiMessage: f.apiMessage,
                attempts,
                hint: hintFor(f, op.method, this.credentials, op.scope),
            });
        });
    }

    async list(connectionId: string): Promise<ScimTokenInfo[]> {
        const data = await this.call(
            {
                operation: `list SCIM tokens of connection ${connectionId}`,
                method: "GET",
                path: this.path(connectionId),
                scope: "read:scim_token",
                idempotent: true,
            },
            () => this.client.connections.scimConfiguration.tokens.get(connectionId),
        );
        return (data ?? []).map(tokenInfo);
    }

    async create(connectionId: string, request: { scopes: string[]; tokenLifetimeSeconds?: number }): Promise<IssuedScimToken> {
        const op = {
            operation: `create SCIM token for connection ${connectionId}`,
            method: "POST",
            path: this.path(connectionId),
            scope: "create:scim_token",
            idempotent: false,
        };
        try {
            const data = await this.call(op, () =>
                this.client.connections.scimConfiguration.tokens.create(connectionId, {
                    scopes: request.scopes,
                    ...(request.tokenLifetimeSeconds !== undefined ? { token_lifetime: request.tokenLifetimeSeconds } : {}),
                }),
            );
            if (!data?.token || !data.token_id) {
                // terraform-provider-auth0 #1423: an empty token must fail loudly, not reach Entra.
                throw new Auth0ApiError({ ...op, status: 201, apiMessage: "the response carried no token value or token_id", attempts: 1 });
            }
            return { ...tokenInfo(data), token: data.token };
        } catch (e) {
            if (e instanceof Auth0ApiError && (e.status === 409 || e.status === 0 || e.status >= 500)) throw await this.explainCreateFailure(connectionId, e);
            throw e;
        }
    }

    /** Deletes a token; false when it was already gone (404). */
    async delete(connectionId: string, tokenId: string): Promise<boolean> {
        try {
            await this.call(
                {
                    operation: `delete SCIM token ${tokenId} of connection ${connectionId}`,
                    method: "DELETE",
                    path: this.path(connectionId, tokenId),
                    scope: "delete:scim_token",
                    idempotent: true,
                },
                () => this.client.connections.scimConfiguration.tokens.delete(connectionId, tokenId),
            );
            return true;
        } catch (e) {
            if (e instanceof Auth0ApiError && e.status === 404) return false;
            throw e;
        }
    }

    /**
     * A 409 or an unknown outcome of POST: lists what exists so the reader can act. The limit of two tokens per
     * connection is UNCONFIRMED from a published Auth0 reference: it is the wording of a 409 Auth0 answered ("Maximum of 2
     * tokens already issued for this connection", which the Auth0 stand-in repeats); rotation is ordered to fit it.
     */
    private async explainCreateFailure(connectionId: string, e: Auth0ApiError): Promise<Auth0ApiError> {
        let listing: string;
        try {
            listing = describeTokens(await this.list(connectionId));
        } catch (listError) {
            listing = `  (could not list them: ${(listError as Error).message})`;
        }
        const deleteCall = `DELETE https://${this.credentials.domain}${this.path(connectionId, "{tokenId}")} (scope delete:scim_token)`;
        const dashboard = "Auth0 Dashboard > Authentication > Enterprise > SAML > (the connection) > Provisioning, SCIM tokens";
        const hint =
            e.status === 409
                ? `Auth0 allows at most 2 SCIM tokens per connection, and a rotation needs a free slot. Tokens of connection ${connectionId}:\n${listing}\n` +
                  `Delete the one Entra no longer uses (never the one in Entra's provisioning credentials): ${dashboard}, or ${deleteCall}. Then run pulumi up again.`
                : `The request may or may not have issued a token, and it is not repeated automatically (a token issued without its value reaching us ` +
                  `would only take one of the 2 slots). Tokens of connection ${connectionId} now:\n${listing}\n` +
                  `If one was created just now and is not in this stack's state, delete it (${dashboard}, or ${deleteCall}); then run pulumi up again.`;
        return new Auth0ApiError({
            operation: e.operation,
            method: e.method,
            path: e.path,
            status: e.status,
            errorCode: e.errorCode,
            apiMessage: e.apiMessage,
            attempts: e.attempts,
            hint,
        });
    }
}
