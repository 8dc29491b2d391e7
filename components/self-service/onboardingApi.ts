// The Management API calls of `npm run ticket` and `npm run status`, through the SDK client and retry loop the
// ScimToken provider uses (clients/auth0Management.ts), so every sign-in method resolveAuth0Credentials returns
// works here too (API token, client secret, client assertion; audience, custom-domain header). Reads are retried
// on 429 (until X-RateLimit-Reset) and 5xx; the ticket POST only on 429 (Auth0 did not process it), since a ticket
// issued twice is one more live credential. Ticket links never reach an error message or a log.
import type { Management, ManagementClient } from "auth0";
import {
    type Auth0Failure,
    type Auth0ManagementOptions,
    type Auth0Credentials,
    type RetryPolicy,
    auth0Name,
    managementClient,
    retryManagementCall,
    retryPolicy,
    tokenRequestHint,
} from "../clients/auth0Management";
import { MAX_TICKET_TTL_SECONDS } from "./ticketRequest";

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

/** The credentials, and the retry and transport settings (maxAttempts default 4). */
export type OnboardingApiOptions = Auth0ManagementOptions;

/** What a self-service ticket request returns: the link (a credential) and when it stops working. */
export interface IssuedTicket {
    ticket: string;
    expiresAt: string;
}

function failureText(call: OnboardingCall, f: Auth0Failure, credentials: Auth0Credentials): string {
    const words = [f.errorCode, f.apiMessage].filter((w) => w !== undefined && w !== "").join(": ");
    let hint = "";
    if (f.tokenRequest) hint = ` ${tokenRequestHint(credentials)}`;
    else if (f.status === 401) hint = ` Check ${auth0Name("apiToken")} or the client credentials, and ${auth0Name("domain")}.`;
    else if (f.status === 403) hint = ` The machine-to-machine application needs the Management API scope ${ONBOARDING_SCOPES[call]}.`;
    const status = f.status === 0 ? `no response${words ? ` (${words})` : ""}` : `HTTP ${f.status}${words ? `: ${words}` : ""}`;
    return `${status}.${hint}`;
}

export class OnboardingApi {
    private readonly client: ManagementClient;
    private readonly credentials: Auth0Credentials;
    private readonly retry: RetryPolicy;
    private readonly now: () => number;

    constructor(options: OnboardingApiOptions) {
        this.credentials = options.credentials;
        this.retry = retryPolicy(options, 4);
        this.now = this.retry.now;
        this.client = managementClient(options.credentials, options);
    }

    /** Runs `fn` through the shared retry loop; throws OnboardingApiError naming `what`. */
    private attempt<T>(call: OnboardingCall, what: string, idempotent: boolean, fn: () => Promise<T>): Promise<T> {
        return retryManagementCall(this.retry, idempotent, fn, (f, attempts) => {
            const text = failureText(call, f, this.credentials);
            return new OnboardingApiError(
                call,
                f.status,
                `Auth0 Management API: ${what} failed: ${text}${attempts > 1 ? ` (after ${attempts} attempts)` : ""}`,
            );
        });
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
        const ttl = request.ttl_sec ? request.ttl_sec : MAX_TICKET_TTL_SECONDS;
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
