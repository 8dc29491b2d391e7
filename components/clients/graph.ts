// Microsoft Graph client shared by the custom resources (synchronization schema, signing key, provisioning
// status) and the post-deploy check.
//
// Why plain fetch + @azure/identity rather than @microsoft/microsoft-graph-client: we call a handful of REST
// paths and need retry rules the SDK's middleware does not have (the 404 of eventual consistency right after
// the app is created, only where the caller asks for it), errors that carry the permission likely missing,
// and delays tests can replace. Node 20's fetch does the HTTP; @azure/identity does the credentials. One
// dependency fewer, and every request goes through one small, readable loop.
//
// Credentials are resolved when a request is made, inside whatever process makes it (the Pulumi provider
// process for the custom resources), from the same settings the azuread provider reads: the stack config the
// provider host delivered, then ARM_* (components/clients/credentials). Nothing here is captured into a serialized
// provider or the state file. The provider process keeps one client per tenant and settings (graphClients), so a
// refresh of many resources asks Entra for one token per tenant, not one per resource.
import { setTimeout as sleep } from "node:timers/promises";
import { createHash } from "node:crypto";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { retryAfterMs } from "../helpers/retryAfter";
import { type GraphErrorBody, GraphError, type HttpMethod } from "./graphError";
import {
    type CredentialTransport,
    type EntraSettings,
    azureadName,
    describeEntraSettings,
    entraCloud,
    entraCredential,
    entraSettings,
    graphCredential,
    noticeOnce,
} from "./credentials";

export const GRAPH_SCOPE = "https://graph.microsoft.com/.default";
/** Overrides the Graph base URL (tests; national clouds come from azuread:environment / ARM_ENVIRONMENT). */
export const GRAPH_URL_ENV = "AUTH0_ENTRA_SCIM_GRAPH_URL";
/** A ready Graph access token, used instead of the credential chain (tests, or `az account get-access-token`). */
export const GRAPH_TOKEN_ENV = "AUTH0_ENTRA_SCIM_GRAPH_TOKEN";

export interface GraphClientOptions {
    /** Default: env AUTH0_ENTRA_SCIM_GRAPH_URL, else the Graph of the cloud azuread:environment (or ARM_ENVIRONMENT) names. */
    baseUrl?: string;
    /** Entra tenant to get tokens for. Default: azuread:tenantId, else ARM_TENANT_ID (as the azuread provider). */
    tenantId?: string;
    /** Injected credential (tests or callers with their own chain). Default: from the azuread settings, at the first request. */
    credential?: TokenCredential;
    /** Azuread settings already resolved (graphClients keys its cache on them). Default: resolved at the first request. */
    settings?: EntraSettings;
    /** Tests: where the default credential's token requests go. */
    credentialTransport?: CredentialTransport;
    /** A static bearer token; wins over `credential`. Default: env AUTH0_ENTRA_SCIM_GRAPH_TOKEN. */
    token?: string;
    /** Per-attempt timeout. Default 30 s. */
    timeoutMs?: number;
    /** Retries on 429/503/504 and network errors. Default 5. */
    maxRetries?: number;
    /** Upper bound of one wait, whatever Retry-After says. Default 120 s. */
    maxDelayMs?: number;
    /** Replaced in tests so nothing sleeps for real. */
    sleep?: (ms: number) => Promise<void>;
    /** Replaced in tests; defaults to the global fetch. */
    fetch?: typeof fetch;
}

/**
 * The Graph base URL and static token the options and the environment give, saying so when the environment
 * overrides the cloud's Graph or the credential chain: it changes where the custom resources write, and how.
 */
function resolveOverrides(options: Pick<GraphClientOptions, "baseUrl" | "token" | "credential">): { baseUrl: string; token?: string } {
    const envUrl = options.baseUrl === undefined ? process.env[GRAPH_URL_ENV] || undefined : undefined;
    const envToken = options.token === undefined && !options.credential ? process.env[GRAPH_TOKEN_ENV] || undefined : undefined;
    // Said once per process, as the credential notices are (credentials/settings.ts): the provider's stdout reaches
    // the CLI as a diagnostic.
    if (envUrl) noticeOnce(`auth0-entra-scim: ${GRAPH_URL_ENV} is set: Microsoft Graph requests go to ${envUrl}.`);
    if (envToken) {
        noticeOnce(`auth0-entra-scim: ${GRAPH_TOKEN_ENV} is set: its static token is sent to Microsoft Graph instead of a token from the azuread credentials.`);
    }
    const token = options.token ?? envToken;
    return { baseUrl: (options.baseUrl ?? envUrl ?? entraCloud().graphUrl).replace(/\/+$/, ""), ...(token ? { token } : {}) };
}

export interface NotFoundRetry {
    /** Extra attempts after the first 404. Default 6. */
    attempts?: number;
    /** First wait; doubles up to 10 s. Default 2 s (Microsoft's tutorial polls every 5-10 s). */
    delayMs?: number;
}

export interface GraphRequestOptions {
    /** Names the operation and the resource in errors, e.g. `read synchronization schema of job scim.x.y`. */
    operation: string;
    body?: unknown;
    query?: Record<string, string>;
    /** Retry 404 (eventual consistency right after the app or job was created). Off unless asked. */
    retryOnNotFound?: boolean | NotFoundRetry;
    /** This request's per-attempt timeout, for calls Graph answers slowly (provision on demand). Default: the client's. */
    timeoutMs?: number;
    /**
     * Whether sending the request twice does no more than sending it once. Default: true for GET, PUT, PATCH and
     * DELETE, false for POST (a POST such as provisionOnDemand runs again). A request that is not idempotent is not
     * re-sent when no answer or a 504 came back, since Graph may have run it; 429, 503 and 404 retries still apply.
     */
    idempotent?: boolean;
    /** Awaited before every attempt, retries included: a rate pacer's turn, so retries stay within its budget. */
    beforeAttempt?: () => Promise<unknown>;
}

const RETRY_STATUSES = new Set([429, 503, 504]);
/** Graph may have run the request behind a gateway timeout: retried only when the request is idempotent. */
const MAYBE_RAN_STATUSES = new Set([504]);
/** A cached token is renewed this long before it expires (@azure/core-rest-pipeline's token cycler: 2 min). */
const TOKEN_REFRESH_WINDOW_MS = 2 * 60_000;

const defaultSleep = (ms: number): Promise<void> => sleep(ms);

export class GraphClient {
    readonly baseUrl: string;
    /** The tenant the caller asked for; undefined: the azuread settings' tenant. */
    readonly tenantId?: string;
    private credential?: TokenCredential;
    private settings?: EntraSettings;
    /** The last token, reused until near its expiry (Azure CLI credentials spawn `az` on every getToken). */
    private cachedToken?: AccessToken;
    /** The token request in flight: Pulumi runs resources in parallel, and they share one request, not one each. */
    private pendingToken?: Promise<string>;
    private readonly credentialTransport?: CredentialTransport;
    private readonly token?: string;
    private readonly timeoutMs: number;
    private readonly maxRetries: number;
    private readonly maxDelayMs: number;
    private readonly sleep: (ms: number) => Promise<void>;
    private readonly fetchImpl: typeof fetch;

    constructor(options: GraphClientOptions = {}) {
        const { baseUrl, token } = resolveOverrides(options);
        this.baseUrl = baseUrl;
        this.tenantId = options.tenantId;
        this.token = token;
        this.credential = options.credential;
        this.settings = options.settings;
        this.credentialTransport = options.credentialTransport;
        this.timeoutMs = options.timeoutMs ?? 30_000;
        this.maxRetries = options.maxRetries ?? 5;
        this.maxDelayMs = options.maxDelayMs ?? 120_000;
        this.sleep = options.sleep ?? defaultSleep;
        this.fetchImpl = options.fetch ?? fetch;
    }

    get<T = unknown>(path: string, options: GraphRequestOptions): Promise<T> {
        return this.request<T>("GET", path, options);
    }
    put<T = unknown>(path: string, body: unknown, options: GraphRequestOptions): Promise<T> {
        return this.request<T>("PUT", path, { ...options, body });
    }
    patch<T = unknown>(path: string, body: unknown, options: GraphRequestOptions): Promise<T> {
        return this.request<T>("PATCH", path, { ...options, body });
    }
    post<T = unknown>(path: string, body: unknown, options: GraphRequestOptions): Promise<T> {
        return this.request<T>("POST", path, { ...options, body });
    }
    delete<T = unknown>(path: string, options: GraphRequestOptions): Promise<T> {
        return this.request<T>("DELETE", path, options);
    }

    /** One Graph call with bounded retries. Returns the parsed JSON body, or undefined for 204 / empty bodies. */
    async request<T = unknown>(method: HttpMethod, path: string, options: GraphRequestOptions): Promise<T> {
        const url = new URL(this.baseUrl + (path.startsWith("/") ? path : `/${path}`));
        for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
        const notFound = notFoundPolicy(options.retryOnNotFound);
        const idempotent = options.idempotent ?? method !== "POST";
        const timeoutMs = options.timeoutMs ?? this.timeoutMs;
        let retries = 0;
        let notFoundRetries = 0;
        let attempts = 0;
        for (;;) {
            attempts++;
            const token = await this.accessToken(options.operation, method, path);
            await options.beforeAttempt?.();
            let res: Response;
            try {
                res = await this.fetchImpl(url, {
                    method,
                    headers: {
                        Authorization: `Bearer ${token}`,
                        Accept: "application/json",
                        ...(options.body !== undefined ? { "Content-Type": "application/json" } : {}),
                    },
                    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
                    signal: AbortSignal.timeout(timeoutMs),
                });
            } catch (e) {
                // Timeouts and resets: the request may have reached Graph, so only an idempotent one is sent again.
                if (idempotent && retries < this.maxRetries) {
                    await this.sleep(this.backoff(retries++));
                    continue;
                }
                let reason = e instanceof Error && e.name === "TimeoutError" ? `timed out after ${timeoutMs} ms` : String(e instanceof Error ? e.message : e);
                if (!idempotent) reason += `; not retried: ${method} is not idempotent and Graph may have run it, so check its effect before running it again`;
                throw new GraphError({ operation: options.operation, method, path, status: 0, graphMessage: reason, attempts, cause: e });
            }
            if (res.ok) return (await parseBody(res)) as T;

            const wait = retryAfterMs(res.headers.get("retry-after"));
            const retryable = RETRY_STATUSES.has(res.status) && (idempotent || !MAYBE_RAN_STATUSES.has(res.status));
            if (retryable && retries < this.maxRetries) {
                await res.arrayBuffer().catch(() => undefined);
                await this.sleep(Math.min(wait ?? this.backoff(retries), this.maxDelayMs));
                retries++;
                continue;
            }
            if (res.status === 404 && notFound && notFoundRetries < notFound.attempts) {
                await res.arrayBuffer().catch(() => undefined);
                await this.sleep(Math.min(wait ?? Math.min(notFound.delayMs * 2 ** notFoundRetries, 10_000), this.maxDelayMs));
                notFoundRetries++;
                continue;
            }
            const body = (await parseBody(res).catch(() => undefined)) as GraphErrorBody | undefined;
            const err = body && typeof body === "object" ? body.error : undefined;
            throw new GraphError({
                operation: options.operation,
                method,
                path,
                status: res.status,
                code: err?.code,
                graphMessage: err?.message,
                requestId: err?.innerError?.["request-id"] ?? res.headers.get("request-id") ?? undefined,
                attempts,
            });
        }
    }

    private backoff(retry: number): number {
        return Math.min(1000 * 2 ** retry, this.maxDelayMs);
    }

    private async accessToken(operation: string, method: HttpMethod, path: string): Promise<string> {
        if (this.token) return this.token;
        if (this.cachedToken && !needsRefresh(this.cachedToken)) return this.cachedToken.token;
        if (!this.pendingToken) {
            this.pendingToken = this.requestToken(operation, method, path).finally(() => {
                this.pendingToken = undefined;
            });
        }
        return this.pendingToken;
    }

    private async requestToken(operation: string, method: HttpMethod, path: string): Promise<string> {
        const fail = (graphMessage: string, cause?: unknown) => new GraphError({ operation, method, path, status: 0, graphMessage, cause });
        let token: AccessToken | null;
        try {
            if (!this.credential && this.settings) this.credential = entraCredential(this.settings, this.credentialTransport);
            if (!this.credential) ({ credential: this.credential, settings: this.settings } = graphCredential(this.tenantId, this.credentialTransport));
            const tenantId = this.tenantId ?? this.settings?.tenantId?.value;
            const scope = this.settings?.cloud.value.graphScope ?? GRAPH_SCOPE;
            token = await this.credential.getToken(scope, tenantId ? { tenantId } : undefined);
        } catch (e) {
            const reason = e instanceof Error ? e.message.split("\n")[0] : String(e);
            throw fail(`no Microsoft Graph token: ${reason}. ${this.credentialHint()}`, e);
        }
        if (!token) throw fail("the credential returned no Microsoft Graph token");
        this.cachedToken = token;
        return token.token;
    }

    /** Which settings were used, and where to change them; never a value. */
    private credentialHint(): string {
        const used = this.settings ? `Credential: ${describeEntraSettings(this.settings)}. ` : "";
        return (
            `${used}The custom resources read the azuread provider's settings: stack config ${azureadName("clientId")}, ` +
            `${azureadName("clientSecret")} or ${azureadName("clientCertificate")}, ${azureadName("useOidc")}, ${azureadName("useMsi")}, ` +
            `else az login (docs/credentials.md)`
        );
    }
}

/** As @azure/core-rest-pipeline's token cycler: renew when the credential says so, or 2 minutes before expiry. */
function needsRefresh(t: AccessToken, now: number = Date.now()): boolean {
    if (t.refreshAfterTimestamp !== undefined && t.refreshAfterTimestamp < now) return true;
    return t.expiresOnTimestamp - TOKEN_REFRESH_WINDOW_MS < now;
}

async function parseBody(res: Response): Promise<unknown> {
    const text = await res.text();
    if (text.trim() === "") return undefined;
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

function notFoundPolicy(v: GraphRequestOptions["retryOnNotFound"]): Required<NotFoundRetry> | undefined {
    if (!v) return undefined;
    const o = v === true ? {} : v;
    return { attempts: o.attempts ?? 6, delayMs: o.delayMs ?? 2000 };
}

/** How a provider gets its client: built at call time from the stack config and environment; tests pass their own. */
export type GraphClientFactory = (tenantId?: string) => GraphClient;

/**
 * A factory that keeps one client per tenant for as long as its settings stay the same (in memory only), so the
 * requests of one `pulumi up` share its credential and token, as the Auth0 side shares its Management API client
 * (scimTokenProvider.ts). The settings are read at every call, from the stack config then the environment: a
 * changed setting (a new secret, another cloud) gives a new client. Settings that do not resolve give an uncached
 * client, which fails at its first request with the message that names them.
 */
export function graphClients(options: Omit<GraphClientOptions, "tenantId" | "settings"> = {}): GraphClientFactory {
    const byTenant = new Map<string, { key: string; client: GraphClient }>();
    return (tenantId) => {
        const own = { ...options, ...(tenantId ? { tenantId } : {}) };
        const { baseUrl, token } = resolveOverrides(options);
        let settings: EntraSettings | undefined;
        if (!token && !options.credential) {
            try {
                settings = entraSettings(tenantId);
            } catch {
                return new GraphClient(own);
            }
        }
        const key = createHash("sha256")
            .update(JSON.stringify([baseUrl, token ?? null, settings ?? null]))
            .digest("hex");
        const slot = byTenant.get(tenantId ?? "");
        if (slot?.key === key) return slot.client;
        const client = new GraphClient({ ...own, baseUrl, ...(token ? { token } : {}), ...(settings ? { settings } : {}) });
        byTenant.set(tenantId ?? "", { key, client });
        return client;
    };
}

/** The custom resources' factory: one client per tenant and settings for the provider process. */
export const graphClientFromEnvironment: GraphClientFactory = graphClients();
