// What the custom resources' API calls cost against the vendors' published limits: classification of recorded
// requests, the call targets of issue 16, and the wall-clock floor a rate limit puts under a refresh. Pure.
//
// Limits, as published:
// - Auth0 Management API, requests per second after a burst: production Enterprise 16/s (burst 50),
//   non-production 2/s (burst 10) (https://auth0.com/docs/troubleshoot/customer-support/operational-policies/
//   rate-limit-policy/rate-limit-configurations/enterprise-public); Free 2/s (burst: UNCONFIRMED, taken as 10 like
//   non-production; .../rate-limit-configurations/free-public). The client-credentials grant (POST /oauth/token)
//   is the Authentication API, counted apart (Free: 30 per second, the page above; the plan's monthly quota of
//   machine-to-machine tokens is not counted here).
// - The bridged auth0 provider's resources share the Management API limit: a refresh reads, and a create writes,
//   at least the connection and its SCIM configuration (BRIDGED_AUTH0_RESOURCES_PER_CONNECTION). How many requests
//   its Read and Create send per resource is UNCONFIRMED (terraform-provider-auth0's code, not measured here).
// - Microsoft Graph identity writes: 3,000 per 150 s per app and tenant; provisionOnDemand: 5 per 10 s, which
//   ProvisionOnDemand's provider keeps as 5 per 11 s for its whole process (provisionOnDemandProvider.ts).
//   (https://learn.microsoft.com/graph/throttling-limits; provisionOnDemand: Microsoft's "Provision on demand"
//   page). Reads are bounded by resource units (3,500-8,000 per 10 s per tenant by tenant size): a few thousand
//   reads per 10 s, far above what a refresh of 500 connections sends to one tenant (UNCONFIRMED: the
//   resource-unit cost of the synchronization endpoints).

import { RequestPacer } from "../../components/3-entra-provisioning/requestPacer";
import { generateStackConfig } from "./generate";

export const OPERATIONS = ["create", "no-change up", "refresh", "token rotation", "schema change", "schema change, already applied", "destroy"] as const;
export type OperationName = (typeof OPERATIONS)[number];

export type ResourceName = "ScimToken" | "PreferredTokenSigningKey" | "SynchronizationSchema" | "ProvisioningStatus" | "ProvisionOnDemand";

/** The Graph resources every managed connection has; ProvisionOnDemand is one per configured subject. */
const PER_MANAGED_CONNECTION: ResourceName[] = ["PreferredTokenSigningKey", "SynchronizationSchema", "ProvisioningStatus"];

export interface ApiCallTally {
    auth0Reads: number;
    auth0Writes: number;
    /** Client-credentials grants (POST /oauth/token): Auth0's Authentication API. */
    auth0TokenRequests: number;
    graphReads: number;
    graphWrites: number;
    /** Each call as `METHOD /path` with ids replaced by placeholders. */
    calls: string[];
}

export function emptyTally(): ApiCallTally {
    return { auth0Reads: 0, auth0Writes: 0, auth0TokenRequests: 0, graphReads: 0, graphWrites: 0, calls: [] };
}

export function totalCalls(t: ApiCallTally): number {
    return t.auth0Reads + t.auth0Writes + t.auth0TokenRequests + t.graphReads + t.graphWrites;
}

/** `/api/v2/connections/con_x/scim-configuration/tokens/tok_y` -> `/api/v2/connections/{id}/scim-configuration/tokens/{tokenId}`. */
export function auth0PathShape(path: string): string {
    return path.replace(/\/connections\/[^/]+/, "/connections/{id}").replace(/\/tokens\/[^/]+/, "/tokens/{tokenId}");
}

/** `/servicePrincipals/<guid>/synchronization/jobs/<job>/schema` -> `/servicePrincipals/{id}/synchronization/jobs/{jobId}/schema`. */
export function graphPathShape(path: string): string {
    return path.replace(/\/servicePrincipals\/[^/]+/, "/servicePrincipals/{id}").replace(/\/jobs\/[^/]+/, "/jobs/{jobId}");
}

export function classifyAuth0(t: ApiCallTally, method: string, path: string): void {
    if (path === "/oauth/token") t.auth0TokenRequests++;
    else if (method === "GET") t.auth0Reads++;
    else t.auth0Writes++;
    t.calls.push(`Auth0 ${method} ${auth0PathShape(path)}`);
}

export function classifyGraph(t: ApiCallTally, method: string, path: string): void {
    if (method === "GET") t.graphReads++;
    else t.graphWrites++;
    t.calls.push(`Graph ${method} ${graphPathShape(path)}`);
}

export interface CallTarget {
    target: string;
    met: boolean;
    /** Each miss: which resource, which calls. */
    misses: string[];
}

type Report = Record<OperationName, { resource: ResourceName; tally: ApiCallTally }[]>;

function callsOf(t: ApiCallTally): string {
    return t.calls.join(", ") || "none";
}

/** Issue 16's call targets, judged on a report of one managed connection. */
export function evaluateCallTargets(report: Report): CallTarget[] {
    const targets: CallTarget[] = [];
    const check = (target: string, misses: string[]) => targets.push({ target, met: misses.length === 0, misses });

    check(
        "a no-change `pulumi up` (Check + Diff) makes zero API calls",
        report["no-change up"].filter((r) => totalCalls(r.tally) > 0).map((r) => `${r.resource}: ${callsOf(r.tally)}`),
    );
    check(
        "a refresh: at most one Auth0 call (a read) per ScimToken, one Graph read per other custom resource, nothing else " +
            "(access tokens: one per process, judged below)",
        report.refresh.flatMap((r) => {
            const t = r.tally;
            const allowed = r.resource === "ScimToken" ? { auth0Reads: 1, graphReads: 0 } : { auth0Reads: 0, graphReads: 1 };
            const over = t.auth0Reads > allowed.auth0Reads || t.graphReads > allowed.graphReads || t.auth0Writes + t.graphWrites > 0;
            return over ? [`${r.resource}: ${callsOf(t)}`] : [];
        }),
    );
    const schema = (op: OperationName) => report[op].find((r) => r.resource === "SynchronizationSchema")!.tally;
    const schemaMisses: string[] = [];
    if (schema("refresh").graphReads !== 1 || schema("refresh").graphWrites !== 0) schemaMisses.push(`refresh: ${callsOf(schema("refresh"))}`);
    if (schema("schema change").graphWrites !== 1) schemaMisses.push(`schema change: ${callsOf(schema("schema change"))}`);
    if (schema("schema change, already applied").graphWrites !== 0) {
        schemaMisses.push(`schema change already applied: ${callsOf(schema("schema change, already applied"))}`);
    }
    check("the schema resource reads the schema once per refresh and writes only when its change set is not already applied", schemaMisses);
    return targets;
}

export interface Auth0Plan {
    name: string;
    perSecond: number;
    burst: number;
}

export const AUTH0_PLANS: readonly Auth0Plan[] = [
    { name: "Enterprise, production tenant", perSecond: 16, burst: 50 },
    { name: "non-production tenant", perSecond: 2, burst: 10 },
    { name: "Free (burst UNCONFIRMED)", perSecond: 2, burst: 10 },
];

/** Seconds a token bucket of `burst` refilled at `perSecond` needs to let `requests` through. */
export function rateLimitFloorSeconds(requests: number, perSecond: number, burst: number): number {
    return Math.max(0, requests - burst) / perSecond;
}

/** Seconds until the last of `requests` on-demand POSTs is sent by the provider's own pacer (5 per 11 s), all queued at once. */
export function onDemandFloorSeconds(requests: number): number {
    const pacer = new RequestPacer(5, 11_000, () => 0);
    let last = 0;
    for (let i = 0; i < requests; i++) last = pacer.reserve(0);
    return last / 1000;
}

/** Provision-on-demand subjects (users and groups) of the bench's generated mix at `connections` connections. */
export function onDemandSubjects(connections: number): number {
    let subjects = 0;
    for (const c of generateStackConfig(connections).raw.connections as { entra?: { provisionOnDemand?: { users?: string[]; groups?: string[] } } }[]) {
        subjects += (c.entra?.provisionOnDemand?.users?.length ?? 0) + (c.entra?.provisionOnDemand?.groups?.length ?? 0);
    }
    return subjects;
}

/** Calls of one operation at `connections` connections with the generated mix, from a one-connection report (one subject on demand). */
export function operationCalls(
    report: Report,
    op: OperationName,
    connections: number,
    managedShare: number,
): { auth0: number; graph: number; onDemand: number; subjects: number } {
    const one = (resource: ResourceName, pick: (t: ApiCallTally) => number) => {
        const r = report[op].find((x) => x.resource === resource);
        return r ? pick(r.tally) : 0;
    };
    const graphCalls = (t: ApiCallTally) => t.graphReads + t.graphWrites;
    const managed = Math.round(connections * managedShare);
    const subjects = onDemandSubjects(connections);
    return {
        auth0: connections * one("ScimToken", (t) => t.auth0Reads + t.auth0Writes),
        graph: managed * PER_MANAGED_CONNECTION.reduce((n, r) => n + one(r, graphCalls), 0) + subjects * one("ProvisionOnDemand", graphCalls),
        onDemand: subjects * one("ProvisionOnDemand", graphCalls),
        subjects,
    };
}

/**
 * Bridged auth0 resources every connection has, each at least one Management API request per refresh or create:
 * the connection and its SCIM configuration (enabled clients and organizations, when declared, add more).
 */
export const BRIDGED_AUTH0_RESOURCES_PER_CONNECTION = 2;

/** At least this many Management API requests from the bridged auth0 resources of `connections` connections. */
export function bridgedAuth0Calls(connections: number): number {
    return connections * BRIDGED_AUTH0_RESOURCES_PER_CONNECTION;
}

/** Management API requests of one refresh of `connections` connections, from a one-connection report. */
export function refreshCalls(report: Report, connections: number, managedShare: number): { auth0: number; graph: number } {
    const sum = (pick: (t: ApiCallTally) => number, resources?: ResourceName[]) =>
        report.refresh.filter((r) => !resources || resources.includes(r.resource)).reduce((n, r) => n + pick(r.tally), 0);
    const managed = Math.round(connections * managedShare);
    // Every connection has a ScimToken; only managed ones have the three Graph resources.
    return {
        auth0: connections * sum((t) => t.auth0Reads + t.auth0Writes, ["ScimToken"]),
        graph: managed * sum((t) => t.graphReads + t.graphWrites, PER_MANAGED_CONNECTION),
    };
}
