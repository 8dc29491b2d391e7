// API calls per managed connection made by the five custom resources (ScimToken, PreferredTokenSigningKey,
// SynchronizationSchema, ProvisioningStatus, and ProvisionOnDemand for one subject), counted by the local Auth0 and Graph stand-ins of test/support
// (127.0.0.1, started and stopped here), for each operation a user runs.
//
// Each resource is driven the way the engine drives a dynamic resource (pulumi/pulumi pkg/resource/deploy,
// commit 1b59498): on `pulumi up`, step_generator.go generateSteps calls Check (line 1313), then for a resource
// already in the state sg.diff -> Diff (2884-2982) and a Same, Update or Replace step; a new resource gets a
// Create step (step.go). `pulumi refresh` makes a RefreshStep per resource in the state (GenerateRefreshes,
// 2258), which calls Read (step.go:1580); `pulumi destroy` a DeleteStep per resource (GenerateDeletes, 2328),
// which calls Delete (step.go:688). test/support/engineModel.ts models that sequence for one resource.
// These are the provider methods called in-process, not through Pulumi's dynamic-provider host over gRPC: the
// host adds no API call of its own (it forwards each gRPC call to the method), so the counts are the same.
// Each operation gets new provider objects, as each `pulumi` command starts a new provider process: the access
// token a provider caches is fetched again per operation (tools/bench/tokenRequests.ts counts those per process).
import { type ModelState, modelRefresh, modelUp } from "../../test/support/engineModel";
import { type Auth0StandIn, startAuth0StandIn } from "../../test/support/auth0StandIn";
import { type GraphStandIn, standInClients, startGraphStandIn } from "../../test/support/graphStandIn";
import { createScimTokenProvider } from "../../components/2-auth0-connection/scimTokenProvider";
import { createProvider as createSigningKeyProvider } from "../../components/1-entra-app/preferredTokenSigningKeyProvider";
import { createProvider as createSchemaProvider } from "../../components/3-entra-provisioning/synchronizationSchemaProvider";
import { createProvider as createStatusProvider } from "../../components/3-entra-provisioning/provisioningStatusProvider";
import { createProvider as createOnDemandProvider } from "../../components/3-entra-provisioning/provisionOnDemandProvider";
import { RequestPacer } from "../../components/3-entra-provisioning/requestPacer";
import type * as pulumi from "@pulumi/pulumi";
import { type ApiCallTally, type OperationName, OPERATIONS, type ResourceName, classifyAuth0, classifyGraph, emptyTally } from "./apiBudget";

const DOMAIN = "bench-vendor.eu.auth0.com";
const CLIENT_ID = "bench-client-id";
const CLIENT_SECRET = "bench-client-secret";
const DAY = 86_400_000;

/** What one resource made during one operation. */
export interface ResourceCalls {
    resource: ResourceName;
    tally: ApiCallTally;
}

export type ApiCallReport = Record<OperationName, ResourceCalls[]>;

type Provider = pulumi.dynamic.ResourceProvider;
type State = ModelState<Record<string, unknown>, Record<string, unknown>>;

interface Subject {
    name: ResourceName;
    /** A new provider, as a new provider process has. */
    make: () => Provider;
    provider?: Provider;
    args: () => Record<string, unknown>;
    state?: State;
}

/** Runs `step` and returns what the stand-ins recorded meanwhile, classified. */
async function counted(auth0: Auth0StandIn, graph: GraphStandIn, step: () => Promise<void>): Promise<ApiCallTally> {
    const a = auth0.requests.length;
    const g = graph.requests.length;
    await step();
    const tally = emptyTally();
    for (const r of auth0.requests.slice(a)) if (r.method !== "NOTE") classifyAuth0(tally, r.method, r.path);
    for (const r of graph.requests.slice(g)) classifyGraph(tally, r.method, r.path);
    return tally;
}

async function up(s: Subject): Promise<void> {
    s.state = (await modelUp(s.provider! as pulumi.dynamic.ResourceProvider<object, object>, s.state as ModelState<object, object>, s.args(), async () => {}))
        .state as State;
}

async function refresh(s: Subject): Promise<void> {
    const r = await modelRefresh(s.provider! as pulumi.dynamic.ResourceProvider<object, object>, s.state as ModelState<object, object>);
    if (!r) throw new Error(`${s.name}: refresh found it gone`);
    s.state = r as State;
}

async function destroy(s: Subject): Promise<void> {
    await s.provider!.delete?.(s.state!.id, s.state!.outputs);
}

/** Turns the Group object mapping on or off in the live schema, as an admin would in the portal. */
function setGroupsLive(graph: GraphStandIn, jobId: string, enabled: boolean): void {
    const schema = graph.state.jobs.get(jobId)!.schema as { synchronizationRules?: { objectMappings?: { sourceObjectName?: string; enabled?: boolean }[] }[] };
    for (const rule of schema.synchronizationRules ?? []) for (const m of rule.objectMappings ?? []) if (m.sourceObjectName === "Group") m.enabled = enabled;
}

/** Counts every operation of OPERATIONS for one managed connection; the stand-ins live only inside this call. */
export async function countApiCalls(): Promise<ApiCallReport> {
    let clock = new Date("2026-01-01T00:00:00Z");
    const auth0 = await startAuth0StandIn({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, audience: `https://${DOMAIN}/api/v2/`, now: () => clock });
    const graph = await startGraphStandIn();
    try {
        const connectionId = "con_BenchConnection1";
        auth0.addConnection(connectionId, { name: "customer-0000" });
        const sp = graph.addServicePrincipal();
        const jobId = graph.addJob(sp.id, { statusCode: "NotConfigured" });
        const { clientFor } = standInClients(graph);
        const tenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
        let provisionGroups = true;
        const subjects: Subject[] = [
            {
                name: "ScimToken",
                make: () =>
                    createScimTokenProvider({
                        now: () => clock,
                        env: () => ({ AUTH0_DOMAIN: DOMAIN, AUTH0_CLIENT_ID: CLIENT_ID, AUTH0_CLIENT_SECRET: CLIENT_SECRET }),
                        management: { baseUrl: auth0.url, sleep: async () => {}, now: () => clock.getTime() },
                        log: () => {},
                    }) as Provider,
                args: () => ({
                    connectionId,
                    scopes: ["get:users", "post:users", "patch:users", "delete:users"],
                    tokenLifetimeDays: 180,
                    tokenRotationDays: 150,
                }),
            },
            {
                name: "PreferredTokenSigningKey",
                make: () => createSigningKeyProvider(clientFor),
                args: () => ({ servicePrincipalId: sp.id, thumbprint: "A1B2C3D4E5F60718293A4B5C6D7E8F9012345678", tenantId }),
            },
            {
                name: "SynchronizationSchema",
                make: () => createSchemaProvider(clientFor),
                args: () => ({
                    servicePrincipalId: sp.id,
                    synchronizationJobId: jobId,
                    tenantId,
                    emailMatchingPrecedence: 2,
                    provisionGroups,
                    attributeMappings: [{ targetAttributeName: "title", source: "jobTitle", sourceType: "Attribute", object: "User", flowType: "Always" }],
                }),
            },
            {
                name: "ProvisioningStatus",
                make: () => createStatusProvider(clientFor),
                args: () => ({ servicePrincipalId: sp.id, synchronizationJobId: jobId, enabled: true, tenantId }),
            },
            {
                // One subject; the pacer's clock is pinned, so it never waits here (onDemandFloorSeconds prices the pacing).
                name: "ProvisionOnDemand",
                make: () => createOnDemandProvider(clientFor, { pacer: new RequestPacer(5, 11_000, () => 0), sleep: async () => {} }),
                args: () => ({
                    servicePrincipalId: sp.id,
                    synchronizationJobId: jobId,
                    ruleId: "bench-rule",
                    objectId: "0b7c5d2e-1f3a-4c6b-9d8e-7a6f5e4d3c2b",
                    objectTypeName: "User",
                    tenantId,
                }),
            },
        ];
        const run = async (op: (s: Subject) => Promise<void>): Promise<ResourceCalls[]> => {
            const out: ResourceCalls[] = [];
            for (const s of subjects) s.provider = s.make();
            for (const s of subjects) out.push({ resource: s.name, tally: await counted(auth0, graph, () => op(s)) });
            return out;
        };
        const report = {} as ApiCallReport;
        report.create = await run(up);
        report["no-change up"] = await run(up);
        report.refresh = await run(refresh);
        // Past the token's rotation date (150 days): the next `up` replaces it.
        clock = new Date(clock.getTime() + 151 * DAY);
        report["token rotation"] = await run(up);
        provisionGroups = false;
        report["schema change"] = await run(up);
        // The next change is already live (groups turned back on in the portal): the schema resource reads, and does not write.
        provisionGroups = true;
        setGroupsLive(graph, jobId, true);
        report["schema change, already applied"] = await run(up);
        report.destroy = await run(destroy);
        for (const op of OPERATIONS) if (!report[op]) throw new Error(`operation ${op} was not counted`);
        return report;
    } finally {
        await auth0.close();
        await graph.close();
    }
}
