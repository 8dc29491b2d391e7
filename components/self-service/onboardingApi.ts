// The Management API calls of `npm run ticket` and `npm run status`, through the auth0 SDK: reads retried on 429
// (until X-RateLimit-Reset) and 5xx; the ticket POST only on 429 (Auth0 did not process it), since a ticket
// issued twice is one more live credential. Ticket links never reach an error message or a log.
import { type Management, ManagementClient, ManagementError, ManagementTimeoutError } from "auth0";
import { type Auth0Credentials, loopbackFetch, rateLimitDelayMs } from "../clients/auth0Management";

/** Management API scope each call needs (the 403 hint names it). */
export const ONBOARDING_SCOPES = {
    readProfile: "read:self_service_profiles",
    createTicket: "create:sso_access_tickets",
    readConnection: "read:connections",
    readScimConfiguration: "read:scim_config",
    readScimTokens: "read:scim_token",
} as const;

export type OnboardingCall = keyof typeof ONBOARDING_SCOPES;

/** A call that failed: what was asked, the status, Auth0's own words, and what to do. */
export class OnboardingApiError extends Error {
    constructor(
        readonly call: OnboardingCall,
        /** 0 when no response arrived. */
        readonly status: number,
        detail: string,
    ) {
        super(detail);
        this.name = "OnboardingApiError";
    }
}

export interface OnboardingApiOptions {
    credentials: Auth0Credentials;
    /** Tests only: an http://127.0.0.1 origin standing in for https://{domain}. */
    baseUrl?: string;
    /** Attempts per call, first included. Default 4. */
    maxAttempts?: number;
    /** Longest single wait. Default 60 s. */
    maxDelayMs?: number;
    sleep?: (ms: number) => Promise<void>;
    now?: () => number;
}

/** What a self-service ticket request returns: the link (a credential) and when it stops working. */
export interface IssuedTicket {
    ticket: string;
    expiresAt: string;
}

function failureText(call: OnboardingCall, e: unknown): { status: number; text: string; headers?: { get(name: string): string | null } } {
    if (e instanceof ManagementTimeoutError) return { status: 0, text: "no response (timed out)" };
    if (!(e instanceof ManagementError)) return { status: 0, text: `no response (${(e as Error).message.split("\n")[0]})` };
    const body = e.body && typeof e.body === "object" ? (e.body as Record<string, unknown>) : {};
    const words = [body.errorCode, body.message ?? body.error_description ?? body.error].filter((w) => typeof w === "string" && w !== "").join(": ");
    const status = e.statusCode ?? 0;
    let hint = "";
    if (e.message.startsWith("ManagementClient: token request")) {
        hint = " Could not get a Management API token: check auth0:clientId/auth0:clientSecret (AUTH0_CLIENT_ID/AUTH0_CLIENT_SECRET).";
    } else if (status === 401) hint = " Check auth0:apiToken (AUTH0_API_TOKEN) or the client credentials, and auth0:domain.";
    else if (status === 403) hint = ` The machine-to-machine application needs the Management API scope ${ONBOARDING_SCOPES[call]}.`;
    return { status, text: `HTTP ${status}${words ? `: ${words}` : ""}.${hint}`, headers: e.rawResponse?.headers };
}

export class OnboardingApi {
    private readonly client: ManagementClient;
    private readonly maxAttempts: number;
    private readonly maxDelayMs: number;
    private readonly sleep: (ms: number) => Promise<void>;
    private readonly now: () => number;

    constructor(options: OnboardingApiOptions) {
        const c = options.credentials;
        this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
        this.maxDelayMs = options.maxDelayMs ?? 60_000;
        this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
        this.now = options.now ?? Date.now;
        const shared = {
            domain: c.domain,
            maxRetries: 0,
            timeoutInSeconds: 30,
            logging: { silent: true },
            ...(c.audience ? { audience: c.audience } : {}),
            ...(options.baseUrl ? { fetch: loopbackFetch(c.domain, options.baseUrl) } : {}),
        };
        this.client = c.apiToken
            ? new ManagementClient({ ...shared, token: c.apiToken })
            : new ManagementClient({ ...shared, clientId: c.clientId!, clientSecret: c.clientSecret! });
    }

    /** Runs `fn`, waiting out 429s (and 5xx when `idempotent`); throws OnboardingApiError naming `what`. */
    private async attempt<T>(call: OnboardingCall, what: string, idempotent: boolean, fn: () => Promise<T>): Promise<T> {
        for (let n = 1; ; n++) {
            try {
                return await fn();
            } catch (e) {
                const f = failureText(call, e);
                const again = f.status === 429 || (idempotent && (f.status === 0 || f.status >= 500));
                if (!again || n >= this.maxAttempts) {
                    throw new OnboardingApiError(call, f.status, `Auth0 Management API: ${what} failed: ${f.text}${n > 1 ? ` (after ${n} attempts)` : ""}`);
                }
                const wait = f.status === 429 ? rateLimitDelayMs(f.headers, this.now(), n) : 500 * 2 ** (n - 1);
                await this.sleep(Math.min(wait, this.maxDelayMs));
            }
        }
    }

    /** The profile, or undefined when Auth0 has none with this id. */
    async getProfile(id: string): Promise<Management.GetSelfServiceProfileResponseContent | undefined> {
        return this.orMissing(() => this.attempt("readProfile", `read self-service profile ${id}`, true, () => this.client.selfServiceProfiles.get(id)));
    }

    /** Issues a ticket; the link is returned, never put in an error. */
    async createTicket(profileId: string, request: Management.CreateSelfServiceProfileSsoTicketRequestContent): Promise<IssuedTicket> {
        const requestedAt = this.now();
        const what = `create a self-service ticket for connection ${request.connection_id ?? "(new)"} from profile ${profileId}`;
        const data = await this.attempt("createTicket", what, false, () => this.client.selfServiceProfiles.ssoTicket.create(profileId, request));
        if (!data?.ticket) throw new OnboardingApiError("createTicket", 201, `Auth0 Management API: ${what}: the response carried no ticket link.`);
        // Auth0 answers only the link; its lifetime runs from issue (ttl_sec, 0 or absent = 5 days).
        const ttl = request.ttl_sec ? request.ttl_sec : 432_000;
        return { ticket: data.ticket, expiresAt: new Date(requestedAt + ttl * 1000).toISOString() };
    }

    async getConnection(id: string): Promise<Management.GetConnectionResponseContent | undefined> {
        return this.orMissing(() => this.attempt("readConnection", `read connection ${id}`, true, () => this.client.connections.get(id)));
    }

    /** The SCIM configuration, or undefined when SCIM is off (404). */
    async getScimConfiguration(connectionId: string): Promise<Management.GetScimConfigurationResponseContent | undefined> {
        return this.orMissing(() =>
            this.attempt("readScimConfiguration", `read the SCIM configuration of connection ${connectionId}`, true, () =>
                this.client.connections.scimConfiguration.get(connectionId),
            ),
        );
    }

    /** Token metadata (never values: the API does not return them). */
    async listScimTokens(connectionId: string): Promise<Management.ScimTokenItem[]> {
        const data = await this.attempt("readScimTokens", `list the SCIM tokens of connection ${connectionId}`, true, () =>
            this.client.connections.scimConfiguration.tokens.get(connectionId),
        );
        return data ?? [];
    }

    private async orMissing<T>(fn: () => Promise<T>): Promise<T | undefined> {
        try {
            return await fn();
        } catch (e) {
            if (e instanceof OnboardingApiError && e.status === 404) return undefined;
            throw e;
        }
    }
}
