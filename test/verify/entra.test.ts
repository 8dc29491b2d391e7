// The Entra checks against the local Graph stand-in (test/support/graphStandIn.ts) with the shared Graph
// client, and the job / provision-on-demand verdicts on the published response shapes.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createProvider } from "../../components/3-entra-provisioning/provisionOnDemandProvider";
import { GRAPH_TOKEN_ENV, GRAPH_URL_ENV, GraphClient } from "../../components/clients/graph";
import { type GraphStandIn, defaultScimSchema, startGraphStandIn } from "../support/graphStandIn";
import { ScimTestServer } from "../../tools/scim-server/server";
import { verifyConnection } from "../../tools/verify/run";
import { ON_DEMAND_CAVEAT, type SynchronizationJob, judgeJob, summariseProvisionOnDemand } from "../../tools/verify/checks/entra";
import { TOKEN, USER_SCOPES, options, target, virtualClock } from "./helpers";
import type { CheckResult, ConnectionReport } from "../../tools/verify/report";
import type { TokenCredential } from "@azure/identity";

const fixture = <T>(name: string): T => JSON.parse(readFileSync(path.join(__dirname, "fixtures", name), "utf8")) as T;
/** The User rule of the stand-in's default schema. */
const USER_RULE = "ea807875-5618-4f0a-9125-0b46a05298ca";
const QUARANTINED = "graph-synchronizationjob-get-awssinglesignon-quarantine-lastexecution.json";

let graph: GraphStandIn;
let scim: ScimTestServer;
beforeAll(async () => {
    graph = await startGraphStandIn();
    scim = await ScimTestServer.start({ token: TOKEN });
});
afterAll(async () => {
    await graph.close();
    await scim.close();
});
beforeEach(() => {
    scim.reset();
});

const client = () => new GraphClient({ baseUrl: graph.url, token: graph.token, maxRetries: 1, sleep: async () => undefined, timeoutMs: 5_000 });
const check = (r: ConnectionReport, id: string): CheckResult => r.checks.find((c) => c.id === id)!;

function groupsOff(): Record<string, unknown> {
    const schema = defaultScimSchema() as { synchronizationRules: Array<{ objectMappings: Array<{ sourceObjectName: string; enabled: boolean }> }> };
    for (const r of schema.synchronizationRules) for (const om of r.objectMappings) if (om.sourceObjectName === "Group") om.enabled = false;
    return schema as unknown as Record<string, unknown>;
}

async function runWith(sp: string, job: string, o: { scopes?: string[]; podUser?: string; expectOff?: boolean } = {}): Promise<ConnectionReport> {
    return verifyConnection(
        target(scim.url, { sp, job, scopes: o.scopes ?? USER_SCOPES }),
        TOKEN,
        options({
            clock: virtualClock().clock,
            graph: client(),
            provisionOnDemandUserId: o.podUser,
            expectProvisioningOff: o.expectOff,
        }),
    );
}

describe("Entra checks through Graph", () => {
    it("a healthy job: validateCredentials 204 with the saved credentials, job on, no quarantine", async () => {
        const sp = graph.addServicePrincipal();
        const job = graph.addJob(sp.id, { statusCode: "Active", schema: groupsOff() });
        const r = await runWith(sp.id, job);
        expect(r.checks.filter((c) => c.status === "fail")).toEqual([]);
        expect(check(r, "entra.validate-credentials").status).toBe("pass");
        expect(check(r, "entra.job-enabled").status).toBe("pass");
        expect(check(r, "entra.group-mapping").reason).toContain("group mapping disabled");
        expect(check(r, "entra.provision-on-demand").status).toBe("skip");
        const validate = graph.requestsTo("POST", "/validateCredentials");
        expect(validate).toHaveLength(1);
        expect(validate[0].body).toEqual({ useSavedCredentials: true });
        // The job id (scim.<tenant>.<guid>) travels as one path segment.
        expect(validate[0].path).toBe(`/servicePrincipals/${sp.id}/synchronization/jobs/${job}/validateCredentials`);
        expect(r.requests.graph).toBe(3);
    });

    it("validateCredentials refused: fails with Graph's code and message", async () => {
        const sp = graph.addServicePrincipal();
        const job = graph.addJob(sp.id, { statusCode: "Active", schema: groupsOff() });
        graph.inject({
            method: "POST",
            path: /validateCredentials$/,
            status: 400,
            body: {
                error: {
                    code: "SystemForCrossDomainIdentityManagementCredentialValidationUnavailable",
                    message: "You appear to have entered invalid credentials.",
                },
            },
        });
        const r = await runWith(sp.id, job);
        expect(check(r, "entra.validate-credentials")).toMatchObject({
            status: "fail",
            reason: expect.stringMatching(/HTTP 400 .*CredentialValidationUnavailable: You appear to have entered invalid credentials/),
            hint: expect.stringContaining("pulumi up"),
        });
    });

    it("a quarantined job (published Graph shape): names the reason, the error and the last cycle's failure", async () => {
        const sp = graph.addServicePrincipal();
        const job = graph.addJob(sp.id, { schema: groupsOff() });
        const published = fixture<{ schedule: Record<string, unknown>; status: Record<string, unknown> }>(QUARANTINED);
        const stored = graph.state.jobs.get(job)!.job;
        stored.status = published.status;
        stored.schedule = published.schedule as typeof stored.schedule;
        const r = await runWith(sp.id, job);
        expect(check(r, "entra.job-enabled").status).toBe("pass");
        expect(check(r, "entra.job-quarantine")).toMatchObject({
            status: "fail",
            reason: expect.stringMatching(
                /EncounteredQuarantineException.*SystemForCrossDomainIdentityManagementInvalidCredentials: Please provide a valid tenant URL/,
            ),
            hint: expect.stringContaining("run pulumi up"),
        });
        expect(check(r, "entra.job-last-execution").reason).toMatch(
            /Failed at 2021-05-24T21:45:54.5581273Z: SystemForCrossDomainIdentityManagementInvalidCredentials/,
        );
    });

    it("groups provisioned in Entra but no group scopes on the token", async () => {
        const sp = graph.addServicePrincipal();
        const job = graph.addJob(sp.id, { statusCode: "Active" });
        const r = await runWith(sp.id, job, { scopes: USER_SCOPES });
        expect(check(r, "entra.group-mapping")).toMatchObject({
            status: "fail",
            reason: expect.stringContaining("without get:groups post:groups patch:groups delete:groups"),
        });
    });

    it("provision on demand: the User rule, the subject, a summary and Microsoft's dialect caveat", async () => {
        const sp = graph.addServicePrincipal();
        const job = graph.addJob(sp.id, { statusCode: "Active", schema: groupsOff() });
        const r = await runWith(sp.id, job, { podUser: "9bb0f679-a883-4a6f-8260-35b491b8b8c8" });
        expect(check(r, "entra.provision-on-demand")).toMatchObject({ status: "pass", reason: expect.stringContaining(ON_DEMAND_CAVEAT) });
        const sent = graph.requestsTo("POST", "/provisionOnDemand")[0].body;
        expect(sent).toEqual({
            parameters: [
                { ruleId: "ea807875-5618-4f0a-9125-0b46a05298ca", subjects: [{ objectId: "9bb0f679-a883-4a6f-8260-35b491b8b8c8", objectTypeName: "User" }] },
            ],
        });
    });

    it("provision on demand sends the stack's own request body, and is not re-sent after a timeout", async () => {
        const sp = graph.addServicePrincipal();
        const job = graph.addJob(sp.id, { statusCode: "Active", schema: groupsOff() });
        const objectId = "9bb0f679-a883-4a6f-8260-35b491b8b8c8";
        await runWith(sp.id, job, { podUser: objectId });
        await createProvider(() => client()).create({
            servicePrincipalId: sp.id,
            synchronizationJobId: job,
            ruleId: USER_RULE,
            objectId,
            objectTypeName: "User",
        });
        const [fromVerify, fromStack] = graph.requestsTo("POST", "/provisionOnDemand");
        expect(fromVerify.body).toEqual(fromStack.body);

        // provisionOnDemand times out (what fetch throws when the timeout signal fires): one attempt, and the check says why.
        let onDemandSends = 0;
        const slow: typeof fetch = async (input, init) => {
            if (String(input).endsWith("/provisionOnDemand")) {
                onDemandSends++;
                throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
            }
            return fetch(input, init);
        };
        const r = await verifyConnection(
            target(scim.url, { sp: sp.id, job, scopes: USER_SCOPES }),
            TOKEN,
            options({
                clock: virtualClock().clock,
                graph: new GraphClient({ baseUrl: graph.url, token: graph.token, maxRetries: 3, sleep: async () => undefined, timeoutMs: 100, fetch: slow }),
                provisionOnDemandUserId: objectId,
            }),
        );
        expect(check(r, "entra.provision-on-demand")).toMatchObject({
            status: "fail",
            reason: expect.stringContaining("timed out after 120000 ms; not retried"),
        });
        expect(onDemandSends).toBe(1);
    });

    it("a paused job fails unless Off is intended", async () => {
        const sp = graph.addServicePrincipal();
        const job = graph.addJob(sp.id, { statusCode: "Paused", schema: groupsOff() });
        expect(check(await runWith(sp.id, job), "entra.job-enabled")).toMatchObject({ status: "fail", reason: expect.stringContaining("Off") });
        expect(check(await runWith(sp.id, job, { expectOff: true }), "entra.job-enabled").status).toBe("pass");
    });

    it("403 from Graph names the missing permission", async () => {
        const sp = graph.addServicePrincipal();
        const job = graph.addJob(sp.id, { statusCode: "Active", schema: groupsOff() });
        graph.injectForbidden("POST", /validateCredentials$/);
        const r = await runWith(sp.id, job);
        expect(check(r, "entra.validate-credentials")).toMatchObject({ status: "fail", hint: expect.stringContaining("Synchronization.ReadWrite.All") });
    });

    it("no Graph credentials: the Entra checks are skipped with the reason, not failed", async () => {
        const sp = graph.addServicePrincipal();
        const job = graph.addJob(sp.id, { statusCode: "Active" });
        const noCredential: TokenCredential = {
            getToken: async () => {
                throw new Error("EnvironmentCredential is unavailable");
            },
        };
        const r = await verifyConnection(
            target(scim.url, { sp: sp.id, job, scopes: USER_SCOPES }),
            TOKEN,
            options({
                clock: virtualClock().clock,
                graph: new GraphClient({ baseUrl: graph.url, credential: noCredential, maxRetries: 0 }),
            }),
        );
        const entra = r.checks.filter((c) => c.group === "entra");
        expect(entra.every((c) => c.status === "skip")).toBe(true);
        expect(entra[0].reason).toContain("no Microsoft Graph credentials");
    });

    it("without an injected client, builds the shared Graph client from the environment", async () => {
        const sp = graph.addServicePrincipal();
        const job = graph.addJob(sp.id, { statusCode: "Active", schema: groupsOff() });
        const saved = { url: process.env[GRAPH_URL_ENV], token: process.env[GRAPH_TOKEN_ENV] };
        process.env[GRAPH_URL_ENV] = graph.url;
        process.env[GRAPH_TOKEN_ENV] = graph.token;
        try {
            const r = await verifyConnection(
                { ...target(scim.url, { sp: sp.id, job, scopes: USER_SCOPES }), entraTenantId: "11111111-2222-3333-4444-555555555555" },
                TOKEN,
                options({ clock: virtualClock().clock, graph: undefined }),
            );
            expect(check(r, "entra.validate-credentials").status).toBe("pass");
            expect(graph.requestsTo("POST", `/servicePrincipals/${sp.id}/synchronization/jobs/${job}/validateCredentials`)).toHaveLength(1);
        } finally {
            for (const [k, v] of [
                [GRAPH_URL_ENV, saved.url],
                [GRAPH_TOKEN_ENV, saved.token],
            ] as const) {
                if (v === undefined) delete process.env[k];
                else process.env[k] = v;
            }
        }
    });

    it("a connection without an Entra app: skipped with the reason", async () => {
        const r = await verifyConnection({ ...target(scim.url), source: "stack" }, TOKEN, options({ clock: virtualClock().clock, graph: client() }));
        expect(check(r, "entra.validate-credentials")).toMatchObject({ status: "skip", reason: expect.stringContaining("does not manage an Entra app") });
    });
});

describe("verdicts on published shapes", () => {
    it("the v1.0 docs' paused job in quarantine with empty times", () => {
        const v = judgeJob(fixture<SynchronizationJob>("graph-synchronizationjob-get-v1-docs-boxoutdelta-quarantine.json"), false);
        expect(v.find((x) => x.id === "entra.job-quarantine")).toMatchObject({
            status: "fail",
            reason: expect.stringContaining("SalesforceInvalidCredentials"),
        });
        expect(v.find((x) => x.id === "entra.job-enabled")?.status).toBe("fail");
        expect(v.find((x) => x.id === "entra.job-last-execution")?.status).toBe("pass");
    });

    it("a paused job without quarantine", () => {
        const v = judgeJob(fixture<SynchronizationJob>("graph-synchronizationjob-get-aws-paused.json"), true);
        expect(v.map((x) => x.status)).toEqual(["pass", "pass", "pass"]);
    });

    it("a last cycle that ended in EntryLevelErrors (some objects failed, no job error) fails, pointing to the logs", () => {
        const job = fixture<SynchronizationJob>("graph-synchronizationjob-get-awssinglesignon-quarantine-lastexecution.json");
        const last = { ...job.status!.lastExecution!, state: "EntryLevelErrors" as const, error: null };
        const v = judgeJob({ ...job, status: { ...job.status!, lastExecution: last } }, false);
        expect(v.find((x) => x.id === "entra.job-last-execution")).toMatchObject({
            status: "fail",
            reason: expect.stringMatching(/^last cycle EntryLevelErrors at 2021-05-24T/),
            hint: expect.stringContaining("some users or groups failed to provision"),
        });
    });

    it("a last cycle that Succeeded passes", () => {
        const job = fixture<SynchronizationJob>("graph-synchronizationjob-get-awssinglesignon-quarantine-lastexecution.json");
        const last = { ...job.status!.lastExecution!, state: "Succeeded" as const, error: null };
        const v = judgeJob({ ...job, status: { ...job.status!, lastExecution: last } }, false);
        expect(v.find((x) => x.id === "entra.job-last-execution")?.status).toBe("pass");
    });

    it("provision on demand Skipped/RedundantExport is a pass; the double-encoded key and value are read", () => {
        const s = summariseProvisionOnDemand(fixture("graph-provisionondemand-response-user-customappsso-skipped.json"));
        expect(s).toMatchObject({ status: "pass", reason: expect.stringMatching(/^Skipped for BillBob@contoso.com \(RedundantExport: The state of the user/) });
    });

    it("provision on demand Success with an empty value", () => {
        expect(summariseProvisionOnDemand(fixture("graph-provisionondemand-response-group-success.json"))).toMatchObject({ status: "pass", reason: "Success" });
    });

    it("provision on demand Failure names the error and the failing step", () => {
        const s = summariseProvisionOnDemand({
            key: JSON.stringify({
                result: "Failure",
                details: { errorCode: "SystemForCrossDomainIdentityManagementServiceIncompatible", errorMessage: "The SCIM endpoint is not fully compatible" },
            }),
            value: JSON.stringify({
                reportableIdentifier: "ada@contoso.com",
                provisioningSteps: [{ name: "EntryExportAdd", type: "Export", status: "Failure", description: "Failed to create User 'ada@contoso.com'" }],
                statusInfo: { status: "Failure", recommendedAction: "Check the SCIM endpoint's logs" },
            }),
        });
        expect(s).toMatchObject({
            status: "fail",
            reason: expect.stringMatching(
                /^Failure for ada@contoso.com: SystemForCrossDomainIdentityManagementServiceIncompatible .*failed step EntryExportAdd \(Export\): Failed to create User/,
            ),
            hint: "Check the SCIM endpoint's logs",
        });
        expect(summariseProvisionOnDemand({ key: JSON.stringify({ result: "Skipped", details: { errorCode: "NotEffectivelyEntitled" } }) }).status).toBe(
            "fail",
        );
    });
});
