// A local Microsoft Graph stand-in on 127.0.0.1 for tests: it answers the synchronization and service
// principal calls the stack makes with Graph's shapes (v1.0), records every request, and can inject the
// failures real tenants give (404 right after create, 429 with Retry-After, 503, 403 with Graph's error body).
// Shared by the custom-resource tests and the post-deploy check's tests: start it with startGraphStandIn().
import type {
    ServicePrincipal,
    StringKeyStringValuePair,
    SynchronizationJob,
    SynchronizationJobApplicationParameters,
    SynchronizationSchedule,
    SynchronizationSchema,
    SynchronizationSecretKeyStringValuePair,
    SynchronizationStatus,
    SynchronizationStatusCode,
} from "@microsoft/microsoft-graph-types";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { GraphClient, type GraphClientFactory } from "../../components/clients/graph";

export const STAND_IN_TOKEN = "stand-in-graph-token";

const FIXTURES = path.join(__dirname, "..", "fixtures");

/** The composed default `scim` schema (test/fixtures/graph-default-scim-schema.json). */
export function defaultScimSchema(): SynchronizationSchema {
    return JSON.parse(readFileSync(path.join(FIXTURES, "graph-default-scim-schema.json"), "utf8")) as SynchronizationSchema;
}

export interface RecordedRequest {
    method: string;
    /** Path below the version segment, e.g. `/servicePrincipals/{id}/synchronization/jobs/{jobId}/schema`. */
    path: string;
    query: Record<string, string>;
    authorization?: string;
    body: unknown;
    /** Status the stand-in answered. */
    status: number;
    /** True when an injected response answered. */
    injected: boolean;
    /** Date.now() when the request arrived. */
    at: number;
}

export type StandInServicePrincipal = ServicePrincipal & { id: string; appId: string; displayName: string };

export interface StandInJob {
    servicePrincipalId: string;
    job: SynchronizationJob & { id: string; schedule: SynchronizationSchedule; status: SynchronizationStatus };
    schema: SynchronizationSchema;
    /** What DELETE .../schema restores. */
    defaultSchema: SynchronizationSchema;
}

/** What provisionOnDemand answers for one subject: Graph's stringKeyStringValuePair (both strings hold JSON). */
export type OnDemandAnswer = (subject: { objectId: string; objectTypeName: string }) => StringKeyStringValuePair;

export interface GraphStandInState {
    servicePrincipals: Map<string, StandInServicePrincipal>;
    /** Keyed by job id. */
    jobs: Map<string, StandInJob>;
    /** Last PUT .../synchronization/secrets body per service principal. */
    secrets: Map<string, SynchronizationSecretKeyStringValuePair[]>;
    /** provisionOnDemand answers by subject object id; unlisted subjects get `onDemandSuccess`. */
    onDemand: Map<string, OnDemandAnswer>;
    /** When set, provisionOnDemand answers 429 with Retry-After beyond `limit` requests per `windowMs` (Graph: 5 per 10 s). */
    onDemandRateLimit?: { limit: number; windowMs: number };
}

export interface AddJobOptions {
    schema?: SynchronizationSchema;
    /** Default Paused. */
    statusCode?: SynchronizationStatusCode;
    /** Default: Active for a job that runs (Active, Quarantine), else Disabled (as Graph shows a paused job). */
    scheduleState?: SynchronizationSchedule["state"];
    jobId?: string;
}

export interface Injection {
    method?: string;
    /** Matched against the request path (below the version segment): exact string, or a RegExp. */
    path: string | RegExp;
    status: number;
    body?: unknown;
    headers?: Record<string, string>;
    /** How many requests it answers; default 1. */
    times?: number;
}

export interface GraphStandIn {
    /** Base URL to give the client, e.g. http://127.0.0.1:PORT/v1.0. */
    url: string;
    token: string;
    requests: RecordedRequest[];
    state: GraphStandInState;
    /** Adds a service principal; returns it. */
    addServicePrincipal(sp?: Partial<StandInServicePrincipal>): StandInServicePrincipal;
    /** Adds a `scim` job on a service principal with the default schema (or the one given); returns the job id. */
    addJob(servicePrincipalId: string, options?: AddJobOptions): string;
    inject(injection: Injection): void;
    /** The next `times` matching requests get Graph's 404, then the real answer. */
    injectNotFound(method: string, path: string | RegExp, times?: number): void;
    injectThrottle(method: string, path: string | RegExp, retryAfterSeconds: number, times?: number): void;
    injectUnavailable(method: string, path: string | RegExp, times?: number, status?: 503 | 504): void;
    injectForbidden(method: string, path: string | RegExp, times?: number): void;
    /** Requests matching method and path (RegExp or substring). */
    requestsTo(method: string, path: string | RegExp): RecordedRequest[];
    /** Forgets recorded requests, injections not used up and the on-demand arrivals its rate limit counts (state stays). */
    reset(): void;
    close(): Promise<void>;
}

export interface StandInOptions {
    token?: string;
    /** Answers 500 to anything past this many requests (a runaway retry loop fails fast). Default 500. */
    maxRequests?: number;
    /** The server closes itself after this long. Default 60 s. */
    lifetimeMs?: number;
}

function graphError(status: number, code: string, message: string): { status: number; body: unknown } {
    return {
        status,
        body: { error: { code, message, innerError: { date: new Date().toISOString(), "request-id": randomUUID(), "client-request-id": randomUUID() } } },
    };
}

function notFound(what: string): { status: number; body: unknown } {
    return graphError(404, "Request_ResourceNotFound", `Resource '${what}' does not exist or one of its queried reference-property objects are not present.`);
}

function matches(p: string | RegExp, actual: string): boolean {
    return typeof p === "string" ? p === actual : p.test(actual);
}

export async function startGraphStandIn(options: StandInOptions = {}): Promise<GraphStandIn> {
    const token = options.token ?? STAND_IN_TOKEN;
    const maxRequests = options.maxRequests ?? 500;
    const requests: RecordedRequest[] = [];
    const injections: (Injection & { left: number })[] = [];
    const state: GraphStandInState = { servicePrincipals: new Map(), jobs: new Map(), secrets: new Map(), onDemand: new Map() };
    let base = "";

    const route = (
        method: string,
        p: string,
        query: Record<string, string>,
        body: unknown,
    ): { status: number; body?: unknown; headers?: Record<string, string> } => {
        const parts = p.split("/").filter(Boolean).map(decodeURIComponent);
        if (parts[0] !== "servicePrincipals" || parts.length < 2)
            return graphError(400, "BadRequest", `Resource not found for the segment '${parts[0] ?? ""}'.`);
        const sp = state.servicePrincipals.get(parts[1]);
        if (!sp) return notFound(parts[1]);
        if (parts.length === 2) {
            if (method === "GET") {
                const select = query.$select?.split(",").map((s) => s.trim()) as (keyof ServicePrincipal)[] | undefined;
                const view: ServicePrincipal = select ? Object.fromEntries(select.map((k) => [k, sp[k] ?? null])) : { ...sp };
                return { status: 200, body: { "@odata.context": `${base}/$metadata#servicePrincipals(${select ? select.join(",") : ""})/$entity`, ...view } };
            }
            if (method === "PATCH") {
                Object.assign(sp, body as ServicePrincipal);
                return { status: 204 };
            }
            return graphError(405, "Request_BadRequest", `Method ${method} not allowed`);
        }
        if (parts[2] !== "synchronization") return graphError(400, "BadRequest", `Unsupported segment '${parts[2]}'.`);
        if (parts[3] === "secrets" && method === "PUT") {
            state.secrets.set(
                sp.id,
                ((body as { value?: SynchronizationSecretKeyStringValuePair[] }).value ?? []).map((kv) => ({ ...kv })),
            );
            return { status: 204 };
        }
        if (parts[3] !== "jobs") return graphError(400, "BadRequest", `Unsupported segment '${parts[3]}'.`);
        if (parts.length === 4) {
            if (method === "GET") {
                const jobs = [...state.jobs.values()].filter((j) => j.servicePrincipalId === sp.id).map((j) => j.job);
                return { status: 200, body: { value: jobs } };
            }
            if (method === "POST") {
                const id = addJob(sp.id, { statusCode: "NotConfigured" });
                return { status: 201, body: state.jobs.get(id)?.job };
            }
        }
        const job = state.jobs.get(parts[4]);
        if (!job || job.servicePrincipalId !== sp.id) return notFound(parts[4]);
        const action = parts[5];
        if (action === undefined && method === "GET") return { status: 200, body: job.job };
        if (action === "schema" && parts.length === 6) {
            if (method === "GET")
                return {
                    status: 200,
                    body: {
                        "@odata.context": `${base}/$metadata#servicePrincipals('${sp.id}')/synchronization/jobs('${job.job.id}')/schema/$entity`,
                        ...structuredClone(job.schema),
                    },
                };
            if (method === "PUT") {
                // PUT replaces the whole schema.
                job.schema = structuredClone(body as SynchronizationSchema);
                return { status: 204 };
            }
            if (method === "DELETE") {
                job.schema = structuredClone(job.defaultSchema);
                return { status: 204 };
            }
        }
        if (method === "POST" && action === "start") {
            // Microsoft: NotRun = "configured, and possibly started, but hasn't completed its first run".
            job.job.status.code = job.job.status.lastSuccessfulExecution ? "Active" : "NotRun";
            job.job.schedule.state = "Active";
            return { status: 204 };
        }
        if (method === "POST" && action === "pause") {
            job.job.status.code = "Paused";
            job.job.schedule.state = "Disabled";
            return { status: 204 };
        }
        if (method === "POST" && action === "validateCredentials") return { status: 204 };
        if (method === "POST" && action === "provisionOnDemand") return provisionOnDemand(body);
        return graphError(400, "BadRequest", `Unsupported ${method} ${p}`);
    };

    /** One subject per request (Entra's on-demand API takes a single user, or a single group with up to 5 members). */
    const onDemandArrivals: number[] = [];
    const provisionOnDemand = (body: unknown): { status: number; body?: unknown; headers?: Record<string, string> } => {
        const limit = state.onDemandRateLimit;
        if (limit) {
            const now = Date.now();
            const recent = onDemandArrivals.filter((t) => t > now - limit.windowMs);
            if (recent.length >= limit.limit) {
                const retryAfter = Math.max(1, Math.ceil((recent[0] + limit.windowMs - now) / 1000));
                return { ...graphError(429, "TooManyRequests", "provisionOnDemand rate limit"), headers: { "Retry-After": String(retryAfter) } };
            }
            onDemandArrivals.push(now);
        }
        const parameters = (body as { parameters?: SynchronizationJobApplicationParameters[] }).parameters ?? [];
        const subjects = parameters.flatMap((x) => x.subjects ?? []);
        const members = subjects[0]?.links?.members ?? [];
        if (parameters.length !== 1 || !parameters[0].ruleId || subjects.length !== 1 || members.length > 5) {
            return graphError(400, "BadRequest", "Provide one ruleId and one subject (a group may carry up to 5 members).");
        }
        const subject = { objectId: subjects[0].objectId ?? "", objectTypeName: subjects[0].objectTypeName ?? "" };
        const answer: StringKeyStringValuePair = (state.onDemand.get(subject.objectId) ?? onDemandSuccess)(subject);
        return { status: 200, body: { "@odata.context": `${base}/$metadata#microsoft.graph.stringKeyStringValuePair`, ...answer } };
    };

    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const url = new URL(req.url ?? "/", "http://127.0.0.1");
            const p = url.pathname.replace(/^\/v1\.0/, "");
            const query = Object.fromEntries(url.searchParams.entries());
            const text = Buffer.concat(chunks).toString("utf8");
            let body: unknown;
            try {
                body = text ? JSON.parse(text) : undefined;
            } catch {
                body = text;
            }
            const method = req.method ?? "GET";
            const at = Date.now();
            let answer: { status: number; body?: unknown; headers?: Record<string, string> };
            let injected = false;
            const inj = injections.find((i) => i.left > 0 && (i.method === undefined || i.method === method) && matches(i.path, p));
            if (requests.length >= maxRequests) {
                answer = graphError(500, "StandInRequestLimit", `the stand-in answers at most ${maxRequests} requests`);
            } else if (req.headers.authorization !== `Bearer ${token}`) {
                answer = graphError(401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.");
            } else if (inj) {
                inj.left--;
                injected = true;
                answer = { status: inj.status, body: inj.body, headers: inj.headers };
            } else {
                answer = route(method, p, query, body);
            }
            requests.push({ method, path: p, query, authorization: req.headers.authorization, body, status: answer.status, injected, at });
            const headers: Record<string, string> = { "request-id": randomUUID(), ...(answer.headers ?? {}) };
            if (answer.body !== undefined) headers["Content-Type"] = "application/json";
            res.writeHead(answer.status, headers);
            res.end(answer.body !== undefined ? JSON.stringify(answer.body) : undefined);
        });
    });

    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    base = `http://127.0.0.1:${port}/v1.0`;
    const lifetime = setTimeout(() => server.close(), options.lifetimeMs ?? 60_000);
    lifetime.unref();

    function addServicePrincipal(sp: Partial<StandInServicePrincipal> = {}): StandInServicePrincipal {
        const full: StandInServicePrincipal = {
            id: randomUUID(),
            appId: randomUUID(),
            displayName: "Auth0 SCIM test app",
            preferredTokenSigningKeyThumbprint: null,
            preferredSingleSignOnMode: "saml",
            ...sp,
        };
        state.servicePrincipals.set(full.id, full);
        return full;
    }

    function addJob(servicePrincipalId: string, o: AddJobOptions = {}): string {
        const id = o.jobId ?? `scim.${randomUUID().replace(/-/g, "")}.${randomUUID()}`;
        const schema = o.schema ?? defaultScimSchema();
        schema.id = id;
        const code = o.statusCode ?? "Paused";
        const runs = code === "Active" || code === "Quarantine";
        state.jobs.set(id, {
            servicePrincipalId,
            job: {
                id,
                templateId: "scim",
                schedule: { expiration: null, interval: "PT40M", state: o.scheduleState ?? (runs ? "Active" : "Disabled") },
                status: {
                    code,
                    countSuccessiveCompleteFailures: 0,
                    escrowsPruned: false,
                    lastExecution: null,
                    lastSuccessfulExecution: null,
                    lastSuccessfulExecutionWithExports: null,
                    progress: [],
                    quarantine: null,
                    steadyStateFirstAchievedTime: "0001-01-01T00:00:00Z",
                    steadyStateLastAchievedTime: "0001-01-01T00:00:00Z",
                    synchronizedEntryCountByType: [],
                    troubleshootingUrl: null,
                },
                synchronizationJobSettings: [{ name: "AzureIngestionAttributeOptimization", value: "False" }],
            },
            schema: structuredClone(schema),
            defaultSchema: structuredClone(schema),
        });
        return id;
    }

    const inject = (i: Injection) => injections.push({ ...i, left: i.times ?? 1 });

    return {
        url: base,
        token,
        requests,
        state,
        addServicePrincipal,
        addJob,
        inject,
        injectNotFound: (method, p, times = 1) => inject({ method, path: p, times, ...notFound("00000000-0000-0000-0000-000000000000") }),
        injectThrottle: (method, p, retryAfterSeconds, times = 1) =>
            inject({
                method,
                path: p,
                times,
                headers: { "Retry-After": String(retryAfterSeconds) },
                ...graphError(429, "TooManyRequests", "Too many requests from Identifier:... under tenant:..."),
            }),
        injectUnavailable: (method, p, times = 1, status = 503) =>
            inject({
                method,
                path: p,
                times,
                ...graphError(status, status === 503 ? "ServiceUnavailable" : "GatewayTimeout", "The service is temporarily unavailable."),
            }),
        injectForbidden: (method, p, times = 1) =>
            inject({ method, path: p, times, ...graphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.") }),
        reset: () => {
            requests.length = 0;
            injections.length = 0;
            onDemandArrivals.length = 0;
        },
        requestsTo: (method, p) => requests.filter((r) => r.method === method && (typeof p === "string" ? r.path.includes(p) : p.test(r.path))),
        close: () =>
            new Promise<void>((resolve) => {
                clearTimeout(lifetime);
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

/** Microsoft's published provisionOnDemand result (synchronization-synchronizationjob-provisionondemand.md, Example 1) reduced to its shape. */
export function onDemandResult(
    subject: { objectId: string; objectTypeName: string },
    outcome: {
        result: string;
        errorCode?: string;
        errorMessage?: string;
        action?: string;
        steps?: { name: string; type: string; status: string; description: string }[];
    },
): StringKeyStringValuePair {
    const details = outcome.errorCode ? { errorCode: outcome.errorCode, errorMessage: outcome.errorMessage ?? null } : {};
    return {
        key: JSON.stringify({ result: outcome.result, details }),
        value: JSON.stringify({
            action: outcome.action ?? (outcome.result === "Success" ? "Create" : "Other"),
            changeId: randomUUID(),
            provisioningSteps: outcome.steps ?? [],
            reportableIdentifier: `${subject.objectId}@contoso.example`,
            statusInfo: { status: outcome.result, errorCode: null, reason: null, additionalDetails: null, errorCategory: null, recommendedAction: null },
            sourceIdentity: { id: subject.objectId, type: subject.objectTypeName, displayName: null, details: null },
            targetIdentity: { id: outcome.result === "Success" ? randomUUID() : null, type: subject.objectTypeName, displayName: null, details: null },
            targetSystem: { id: null, name: "customappsso", details: null },
        }),
    };
}

/** The default answer: the subject was created in the target. */
export const onDemandSuccess: OnDemandAnswer = (subject) => onDemandResult(subject, { result: "Success", action: "Create" });

/**
 * A provider's client factory pointed at the stand-in. Waits are recorded in `sleeps` instead of slept, and
 * every tenant id a provider asked for is recorded in `tenants`.
 */
export function standInClients(g: GraphStandIn): { clientFor: GraphClientFactory; sleeps: number[]; tenants: (string | undefined)[] } {
    const sleeps: number[] = [];
    const tenants: (string | undefined)[] = [];
    const clientFor: GraphClientFactory = (tenantId) => {
        tenants.push(tenantId);
        return new GraphClient({ baseUrl: g.url, token: g.token, tenantId, timeoutMs: 5000, sleep: async (ms) => void sleeps.push(ms) });
    };
    return { clientFor, sleeps, tenants };
}
