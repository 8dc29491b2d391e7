// ProvisioningStatus's provider against the Graph stand-in, and the status.code mapping over published job documents.
import type { SynchronizationStatusCode } from "@microsoft/microsoft-graph-types";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { GraphError } from "../components/clients/graphError";
import {
    createProvider,
    isProvisioningOn,
    type ProvisioningStatusInputs,
    type ProvisioningStatusOutputs,
} from "../components/3-entra-provisioning/provisioningStatusProvider";
import { useProviderAgainstStandIn } from "./support/providerHarness";

const fixture = (name: string) => JSON.parse(readFileSync(path.join(__dirname, "fixtures", name), "utf8")) as Parameters<typeof isProvisioningOn>[0];

const h = useProviderAgainstStandIn(createProvider);
let spId: string;
let jobId: string;
let on: ProvisioningStatusInputs;

beforeEach(() => {
    spId = h.spId;
    jobId = h.g.addJob(spId, { statusCode: "NotConfigured" });
    on = { servicePrincipalId: spId, synchronizationJobId: jobId, enabled: true };
});
const job = () => h.g.state.jobs.get(jobId)!.job;
const jobPath = () => `/servicePrincipals/${spId}/synchronization/jobs/${jobId}`;

describe("isProvisioningOn", () => {
    it("maps published job documents", () => {
        expect(isProvisioningOn(fixture("graph-synchronizationjob-get-awssinglesignon-quarantine-lastexecution.json"))).toBe(true);
        expect(isProvisioningOn(fixture("graph-synchronizationjob-get-aws-paused.json"))).toBe(false);
        expect(isProvisioningOn(fixture("graph-synchronizationjob-create-response-aws-notconfigured.json"))).toBe(false);
        expect(isProvisioningOn({ status: { code: "Active" } })).toBe(true);
        expect(isProvisioningOn({ status: { code: "NotRun" } })).toBe(false);
        // A code Microsoft may add later: the schedule decides.
        expect(isProvisioningOn({ status: { code: "SomethingNew" as SynchronizationStatusCode }, schedule: { state: "Active" } })).toBe(true);
        expect(isProvisioningOn({ status: null, schedule: { state: "Disabled" } })).toBe(false);
    });
});

describe("ProvisioningStatus provider", () => {
    it("create with enabled reads the job, starts it and reports its status: NotRun until its first cycle completes", async () => {
        const r = await h.provider.create(on);
        expect(r).toEqual({ id: `${spId}/${jobId}`, outs: { ...on, statusCode: "NotRun" } });
        expect(h.g.requests.map((x) => `${x.method} ${x.path}`)).toEqual([`GET ${jobPath()}`, `POST ${jobPath()}/start`, `GET ${jobPath()}`]);
        expect(job().schedule.state).toBe("Active");
    });

    it("create without enabled pauses a running job and leaves an idle one alone", async () => {
        const idle = await h.provider.create({ ...on, enabled: false });
        expect((idle.outs as ProvisioningStatusOutputs).statusCode).toBe("NotConfigured");
        expect(h.g.requestsTo("POST", jobPath())).toEqual([]);
        job().status.code = "Active";
        job().schedule.state = "Active";
        const r = await h.provider.create({ ...on, enabled: false });
        expect((r.outs as ProvisioningStatusOutputs).statusCode).toBe("Paused");
        expect(h.g.requestsTo("POST", jobPath()).map((x) => x.path)).toEqual([`${jobPath()}/pause`]);
    });

    it("diff is local: no change when equal, update for enabled, replace for another job", async () => {
        const outs = (await h.provider.create(on)).outs as ProvisioningStatusOutputs;
        const before = h.g.requests.length;
        expect(await h.provider.diff!("x", outs, on)).toMatchObject({ changes: false });
        expect(await h.provider.diff!("x", outs, { ...on, enabled: false })).toMatchObject({ changes: true, replaces: [] });
        expect(await h.provider.diff!("x", outs, { ...on, synchronizationJobId: "scim.other" })).toMatchObject({ replaces: ["synchronizationJobId"] });
        expect(h.g.requests.length).toBe(before);
    });

    it("read shows a job paused in the portal as drift; quarantine still counts as on", async () => {
        const outs = (await h.provider.create(on)).outs as ProvisioningStatusOutputs;
        expect((await h.provider.read!("x", outs)).props).toEqual(outs);
        job().status.code = "Paused";
        const drifted = await h.provider.read!(`${spId}/${jobId}`, outs);
        expect(drifted.props).toEqual({ ...outs, enabled: false, statusCode: "Paused" });
        expect(await h.provider.diff!("x", drifted.props, on)).toMatchObject({ changes: true });
        job().status.code = "Quarantine";
        expect((await h.provider.read!("x", outs)).props).toMatchObject({ enabled: true, statusCode: "Quarantine" });
    });

    it("reads by id alone, and reports a deleted job as gone", async () => {
        await h.provider.create(on);
        expect((await h.provider.read!(`${spId}/${jobId}`)).props).toMatchObject({ servicePrincipalId: spId, synchronizationJobId: jobId, enabled: true });
        h.g.state.jobs.delete(jobId);
        expect((await h.provider.read!(`${spId}/${jobId}`)).id).toBeUndefined();
    });

    it("update starts or pauses", async () => {
        const outs = (await h.provider.create(on)).outs as ProvisioningStatusOutputs;
        const off = await h.provider.update!("x", outs, { ...on, enabled: false });
        expect(off.outs).toMatchObject({ enabled: false, statusCode: "Paused" });
        const back = await h.provider.update!("x", off.outs as ProvisioningStatusOutputs, on);
        expect(back.outs).toMatchObject({ enabled: true, statusCode: "NotRun" });
        expect(h.g.requests.filter((r) => r.method === "POST").map((r) => r.path.split("/").pop())).toEqual(["start", "pause", "start"]);
    });

    it("delete pauses the job; a job already gone is fine", async () => {
        const outs = (await h.provider.create(on)).outs as ProvisioningStatusOutputs;
        await h.provider.delete!("x", outs);
        expect(job().status.code).toBe("Paused");
        h.g.state.jobs.delete(jobId);
        await expect(h.provider.delete!("x", outs)).resolves.toBeUndefined();
    });

    it("waits out a 404 right after the job was created, honours 429 Retry-After, retries 503", async () => {
        h.g.injectNotFound("GET", jobPath());
        h.g.injectUnavailable("GET", jobPath(), 1, 504);
        h.g.injectThrottle("POST", `${jobPath()}/start`, 6);
        await h.provider.create(on);
        expect(h.g.requests.map((r) => `${r.method} ${r.status}`)).toEqual(["GET 404", "GET 504", "GET 200", "POST 429", "POST 204", "GET 200"]);
        expect(h.sleeps).toEqual([2000, 1000, 6000]);
    });

    it("surfaces a 403 as a clear error naming Synchronization.ReadWrite.All", async () => {
        h.g.injectForbidden("POST", `${jobPath()}/start`);
        const err = await h.provider.create(on).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(GraphError);
        expect((err as Error).message).toContain(`start synchronization job ${jobId} (provisioning status On) failed (HTTP 403 on POST`);
        expect((err as Error).message).toContain("likely lacks Synchronization.ReadWrite.All");
        expect(job().status.code).toBe("NotConfigured");
    });
});
