// Defect 2: provision on demand, one subject per request, paced, its result read. The result reader runs over
// Microsoft's published answers; the provider against the Graph stand-in.
import type { StringKeyStringValuePair } from "@microsoft/microsoft-graph-types";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { readProvisionOnDemandResult } from "../components/3-entra-provisioning/provisionOnDemandResult";
import {
    createProvider,
    type ProvisionOnDemandInputs,
    type ProvisionOnDemandOutputs,
    type ProvisionOnDemandProviderOptions,
} from "../components/3-entra-provisioning/provisionOnDemandProvider";
import { RequestPacer } from "../components/3-entra-provisioning/requestPacer";
import { GRAPH_TOKEN_ENV, GRAPH_URL_ENV, GraphClient } from "../components/clients/graph";
import { graphPaths } from "../components/clients/graphPaths";
import { PROVIDER_MODULES, providerModuleText } from "../components/dynamic/providerText";
import { onDemandResult, standInClients } from "./support/graphStandIn";
import { dynamicTypeToken } from "../components/dynamic/dynamicResource";
import { startDynamicHost, urnOf } from "./support/dynamicHost";
import { PROJECT_ROOT } from "./support/serializeProvider";
import { useProviderAgainstStandIn } from "./support/providerHarness";

const fixture = (name: string) => JSON.parse(readFileSync(path.join(__dirname, "fixtures", name), "utf8")) as StringKeyStringValuePair;
const RULE = "ea807875-5618-4f0a-9125-0b46a05298ca";

/** What Entra answers for a subject not (yet) assigned: the portal shows SkipReason NotEffectivelyEntitled in the scoping step. */
const notEntitled = (s: { objectId: string; objectTypeName: string }) =>
    onDemandResult(s, {
        result: "Skipped",
        errorCode: "NotEffectivelyEntitled",
        errorMessage: "The user is not assigned to the application.",
        steps: [
            { name: "EntryImport", type: "Import", status: "Success", description: "Retrieved the user from Azure Active Directory" },
            {
                name: "EntrySynchronizationScoping",
                type: "Scoping",
                status: "Skipped",
                description: "Determine if User in scope by evaluating against each scoping filter",
            },
        ],
    });

describe("reading Entra's answer", () => {
    it("published skip because source and target already match: the user is in Auth0, so provisioned", () => {
        const o = readProvisionOnDemandResult(fixture("graph-provisionondemand-response-user-customappsso-skipped.json"));
        expect(o).toMatchObject({ result: "Skipped", provisioned: true, errorCode: "RedundantExport", action: "Other" });
        expect(o.reason).toBe("The state of the user in both the source and target systems already match.");
        expect(o.step).toMatch(/^EntrySynchronizationSkip \(Export\): The state of the user/);
        expect(o.targetId).toBe("52507a19-96ec-4e73-9250-3e65ffd2d926");
    });

    it("published group success, whose value is {}", () => {
        expect(readProvisionOnDemandResult(fixture("graph-provisionondemand-response-group-success.json"))).toEqual({ result: "Success", provisioned: true });
    });

    it("any other skip or result is not provisioned, and an unreadable answer is not either", () => {
        const skipped = readProvisionOnDemandResult(notEntitled({ objectId: "u1", objectTypeName: "User" }));
        expect(skipped).toMatchObject({ result: "Skipped", provisioned: false, errorCode: "NotEffectivelyEntitled" });
        expect(skipped.step).toContain("EntrySynchronizationScoping (Scoping)");
        const failed = readProvisionOnDemandResult(
            onDemandResult({ objectId: "u1", objectTypeName: "User" }, { result: "Failure", errorCode: "SystemForCrossDomainIdentityManagementBadResponse" }),
        );
        expect(failed).toMatchObject({ result: "Failure", provisioned: false, errorCode: "SystemForCrossDomainIdentityManagementBadResponse" });
        expect(readProvisionOnDemandResult({ key: "not json", value: null })).toMatchObject({ result: "", provisioned: false });
    });
});

describe("RequestPacer", () => {
    it("gives at most `limit` sends in any window, in arrival order", () => {
        const pacer = new RequestPacer(5, 10_000, () => 0);
        const times = Array.from({ length: 12 }, () => pacer.reserve(0));
        expect(times).toEqual([0, 0, 0, 0, 0, 10_000, 10_000, 10_000, 10_000, 10_000, 20_000, 20_000]);
        for (const t of times) expect(times.filter((x) => x > t - 10_000 && x <= t).length).toBeLessThanOrEqual(5);
        // Once the window has passed, a caller goes at once.
        expect(pacer.reserve(40_000)).toBe(40_000);
    });
});

const h = useProviderAgainstStandIn(createProvider);
let jobId: string;
let user: ProvisionOnDemandInputs;
const provider = (o: ProvisionOnDemandProviderOptions = {}) => {
    const sleeps: number[] = [];
    const clients = standInClients(h.g);
    const p = createProvider(clients.clientFor, {
        pacer: new RequestPacer(
            5,
            10_000,
            () => 0,
            async () => undefined,
        ),
        sleep: async (ms) => void sleeps.push(ms),
        ...o,
    });
    return { p, sleeps, clientSleeps: clients.sleeps };
};
const posts = () => h.g.requestsTo("POST", /\/provisionOnDemand$/);

beforeEach(() => {
    jobId = h.g.addJob(h.spId);
    user = { servicePrincipalId: h.spId, synchronizationJobId: jobId, ruleId: RULE, objectId: randomUUID(), objectTypeName: "User" };
    h.g.state.onDemandRateLimit = undefined;
});

describe("ProvisionOnDemand provider", () => {
    it("sends one subject in Microsoft's published request shape and keeps Entra's result", async () => {
        // Microsoft's Example 1 request, verbatim: same subject and rule, same body.
        const published = JSON.parse(readFileSync(path.join(__dirname, "fixtures", "graph-provisionondemand-request-user-customappsso.json"), "utf8"));
        user = { ...user, objectId: published.parameters[0].subjects[0].objectId };
        const r = await provider().p.create(user);
        expect(posts().map((x) => x.body)).toEqual([published]);
        expect(posts()[0].path).toBe(`/servicePrincipals/${h.spId}/synchronization/jobs/${jobId}/provisionOnDemand`);
        expect(r.id).toBe(`${h.spId}/${jobId}/User/${user.objectId}`);
        expect(r.outs).toMatchObject({ ...user, result: "Success", action: "Create" });
    });

    it("fails with the subject's id and Entra's reason when Entra skips it, after waiting out a new assignment", async () => {
        h.g.state.onDemand.set(user.objectId, notEntitled);
        const { p, sleeps } = provider({ notEntitledRetries: 2, notEntitledDelayMs: 1234 });
        const err = (await p.create(user).catch((e: unknown) => e)) as Error;
        expect(err).toBeInstanceOf(Error);
        expect(err.message).toContain(
            `Entra did not provision user ${user.objectId}: Skipped (NotEffectivelyEntitled): The user is not assigned to the application.`,
        );
        expect(err.message).toContain("step EntrySynchronizationScoping (Scoping)");
        expect(err.message).toContain("(after 3 attempts)");
        expect(err.message).toContain("entra.assignments");
        expect(posts()).toHaveLength(3);
        expect(sleeps).toEqual([1234, 1234]);
    });

    it("succeeds once Entra honours the assignment", async () => {
        let calls = 0;
        h.g.state.onDemand.set(user.objectId, (s) => (++calls === 1 ? notEntitled(s) : onDemandResult(s, { result: "Success" })));
        await expect(provider().p.create(user)).resolves.toMatchObject({ outs: { result: "Success" } });
        expect(posts()).toHaveLength(2);
    });

    it("fails at once on a failure, naming the group and the failing step", async () => {
        const group = { ...user, objectTypeName: "Group" as const };
        h.g.state.onDemand.set(group.objectId, (s) =>
            onDemandResult(s, {
                result: "Failure",
                errorCode: "SystemForCrossDomainIdentityManagementServiceIncompatible",
                errorMessage: "The SCIM endpoint answered 400.",
                steps: [{ name: "EntryExportAdd", type: "Export", status: "Failure", description: "Failed to create Group 'Sales' in customappsso" }],
            }),
        );
        const err = (await provider()
            .p.create(group)
            .catch((e: unknown) => e)) as Error;
        expect(err.message).toContain(
            `Entra did not provision group ${group.objectId}: Failure (SystemForCrossDomainIdentityManagementServiceIncompatible): The SCIM endpoint answered 400.`,
        );
        expect(err.message).toContain("step EntryExportAdd (Export): Failed to create Group 'Sales'");
        expect(err.message).toContain("entra.provisionGroups");
        expect(posts()).toHaveLength(1);
        expect(posts()[0].body).toEqual({ parameters: [{ ruleId: RULE, subjects: [{ objectId: group.objectId, objectTypeName: "Group" }] }] });
    });

    it("treats 'already in sync' as provisioned (a re-run after the job was replaced)", async () => {
        h.g.state.onDemand.set(user.objectId, () => fixture("graph-provisionondemand-response-user-customappsso-skipped.json"));
        await expect(provider().p.create(user)).resolves.toMatchObject({
            outs: { result: "Skipped", errorCode: "RedundantExport", action: "Other", targetId: "52507a19-96ec-4e73-9250-3e65ffd2d926" },
        });
    });

    it("honours 429 Retry-After from Graph", async () => {
        h.g.injectThrottle("POST", /\/provisionOnDemand$/, 7);
        const { p, clientSleeps } = provider();
        await p.create(user);
        expect(posts().map((x) => x.status)).toEqual([429, 200]);
        expect(clientSleeps).toEqual([7000]);
    });

    it("takes the pacer's turn again before each 429 retry, so retries stay within the budget", async () => {
        h.g.injectThrottle("POST", /\/provisionOnDemand$/, 7, 2);
        const pacerWaits: number[] = [];
        // One send per 10 s on a clock that stands still: every turn after the first waits its window.
        const pacer = new RequestPacer(
            1,
            10_000,
            () => 0,
            async (ms) => void pacerWaits.push(ms),
        );
        const { p } = provider({ pacer });
        await p.create(user);
        expect(posts().map((x) => x.status)).toEqual([429, 429, 200]);
        expect(pacerWaits).toEqual([10_000, 20_000]);
    });

    it("does not re-send a timed-out request (Entra may have run it) and says so", async () => {
        let sends = 0;
        const slowFetch: typeof fetch = async (input, init) => {
            sends++;
            await new Promise((r) => setTimeout(r, 300));
            return fetch(input, init);
        };
        const clientFor = () => new GraphClient({ baseUrl: h.g.url, token: h.g.token, fetch: slowFetch, sleep: async () => undefined });
        const p = createProvider(clientFor, { pacer: new RequestPacer(5, 10_000), timeoutMs: 100 });
        const err = (await p.create(user).catch((e: unknown) => e)) as Error;
        expect(err.message).toContain(
            `provision user ${user.objectId} on demand through job ${jobId} failed (no response: timed out after 100 ms; not retried`,
        );
        expect(sends).toBe(1);
    });

    it("gives the on-demand request its own, longer timeout than the client's", async () => {
        const slowFetch: typeof fetch = async (input, init) => {
            await new Promise((r) => setTimeout(r, 300));
            return fetch(input, init);
        };
        // The client's own timeout (100 ms) would fail this 300 ms answer; the provider's default does not.
        const clientFor = () => new GraphClient({ baseUrl: h.g.url, token: h.g.token, fetch: slowFetch, timeoutMs: 100, maxRetries: 0 });
        await expect(createProvider(clientFor).create(user)).resolves.toMatchObject({ outs: { result: "Success" } });
        await expect(clientFor().get(graphPaths.job(h.spId, jobId), { operation: "read job" })).rejects.toThrow("timed out after 100 ms");
    });

    it("paces parallel creates to the rate limit: no 429 where unpaced calls get them", async () => {
        // Real time, with margins wide enough for a loaded machine: the service counts 5 per 400 ms, the pacer
        // allows 5 per 1000 ms (as the default allows 5 per 11 s for Entra's 5 per 10 s), so the sixth request
        // conflicts only if the first five arrive more than 600 ms late.
        h.g.state.onDemandRateLimit = { limit: 5, windowMs: 400 };
        const subjects = Array.from({ length: 7 }, () => ({ ...user, objectId: randomUUID() }));
        const paced = createProvider(standInClients(h.g).clientFor, { pacer: new RequestPacer(5, 1_000) });
        await Promise.all(subjects.map((s) => paced.create(s)));
        expect(posts().map((x) => x.status)).toEqual(Array(7).fill(200));
        const at = posts().map((x) => x.at);
        expect(Math.max(...at) - Math.min(...at)).toBeGreaterThanOrEqual(990);

        // The same burst unpaced, against a window of 5 s that no delay on this machine can outlast: the limit
        // bites, so the assertions above can fail.
        h.g.reset();
        h.g.state.onDemandRateLimit = { limit: 5, windowMs: 5_000 };
        const unpaced = createProvider(standInClients(h.g).clientFor, { pacer: new RequestPacer(100, 400) });
        await Promise.allSettled(subjects.map((s) => unpaced.create({ ...s, objectId: randomUUID() })));
        expect(posts().filter((x) => x.status === 429).length).toBeGreaterThan(0);
    });

    it("diff: a new subject, job or tenant replaces (runs the test again); the rule id alone changes nothing", async () => {
        const outs = (await provider().p.create(user)).outs as ProvisionOnDemandOutputs;
        const { p } = provider();
        expect(await p.diff!("x", outs, user)).toMatchObject({ changes: false });
        expect(await p.diff!("x", outs, { ...user, ruleId: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" })).toMatchObject({ changes: false });
        expect(await p.diff!("x", outs, { ...user, objectId: randomUUID() })).toMatchObject({ changes: true, replaces: ["objectId"] });
        expect(await p.diff!("x", outs, { ...user, synchronizationJobId: "scim.other" })).toMatchObject({ replaces: ["synchronizationJobId"] });
    });

    it("read and delete call nothing in Graph; check refuses an unknown object type", async () => {
        const { p } = provider();
        const outs = (await p.create(user)).outs as ProvisionOnDemandOutputs;
        const before = h.g.requests.length;
        expect(await p.read!("x", outs)).toEqual({ id: "x", props: outs });
        await p.delete!("x", outs);
        expect(h.g.requests.length).toBe(before);
        // What the engine could send: check is where a wrong object type is caught.
        const checked = await p.check!({} as ProvisionOnDemandInputs, { ...user, objectTypeName: "Device" } as unknown as ProvisionOnDemandInputs);
        expect(checked.failures).toEqual([{ property: "objectTypeName", reason: 'objectTypeName must be "User" or "Group"' }]);
    });
});

describe("loaded from its stored provider text by Pulumi's real dynamic-provider host", () => {
    it("provisions against Graph with the process's credentials, and fails with Entra's reason", async () => {
        const text = providerModuleText(PROVIDER_MODULES.ProvisionOnDemand);
        const env = { [GRAPH_URL_ENV]: h.g.url, [GRAPH_TOKEN_ENV]: h.g.token };
        const host = await startDynamicHost({ cwd: PROJECT_ROOT, env });
        try {
            await host.configure({});
            const urn = urnOf(dynamicTypeToken("ProvisionOnDemand"), "on-demand");
            const ok = await host.create(urn, { ...user, __provider: text });
            expect(ok).toMatchObject({ id: `${h.spId}/${jobId}/User/${user.objectId}`, properties: { result: "Success" } });
            const skipped = { ...user, objectId: randomUUID() };
            h.g.state.onDemand.set(skipped.objectId, (s) =>
                onDemandResult(s, { result: "Skipped", errorCode: "OutOfScope", errorMessage: "The user is out of scope." }),
            );
            await expect(host.create(urn, { ...skipped, __provider: text })).rejects.toThrow(
                `Entra did not provision user ${skipped.objectId}: Skipped (OutOfScope): The user is out of scope.`,
            );
        } finally {
            await host.close();
        }
    }, 60_000);
});
