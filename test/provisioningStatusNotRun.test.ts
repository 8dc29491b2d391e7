// Defect 3: NotRun ("configured, and possibly started, but hasn't completed its first run") is not Off.
import { beforeEach, describe, expect, it } from "vitest";
import {
    createProvider,
    isProvisioningOn,
    type ProvisioningStatusInputs,
    type ProvisioningStatusOutputs,
} from "../components/3-entra-provisioning/provisioningStatusProvider";
import { judgeJob } from "../tools/verify/checks/entra";
import { useProviderAgainstStandIn } from "./support/providerHarness";

const h = useProviderAgainstStandIn(createProvider);
let jobId: string;
let on: ProvisioningStatusInputs;
beforeEach(() => {
    jobId = h.g.addJob(h.spId, { statusCode: "Paused" });
    on = { servicePrincipalId: h.spId, synchronizationJobId: jobId, enabled: true };
});
const job = () => h.g.state.jobs.get(jobId)!.job;
const starts = () => h.g.requestsTo("POST", /\/start$/).length;
/** A job started moments ago: Graph reports NotRun with an active schedule until its first cycle completes. */
const startedMomentsAgo = () => {
    job().status.code = "NotRun";
    job().schedule.state = "Active";
};

describe("a job whose first cycle has not completed (NotRun)", () => {
    it("is on when its schedule is active, off when its schedule is disabled", () => {
        expect(isProvisioningOn({ status: { code: "NotRun" }, schedule: { state: "Active" } })).toBe(true);
        expect(isProvisioningOn({ status: { code: "NotRun" }, schedule: { state: "Disabled" } })).toBe(false);
        expect(isProvisioningOn({ status: { code: "NotRun" }, schedule: { state: "Paused" } })).toBe(false);
    });

    it("refresh during the first cycle shows no drift", async () => {
        const outs = (await h.provider.create(on)).outs as ProvisioningStatusOutputs;
        startedMomentsAgo();
        const read = await h.provider.read!(`${h.spId}/${jobId}`, outs);
        expect(read.props).toMatchObject({ enabled: true, statusCode: "NotRun" });
        expect(await h.provider.diff!("x", read.props as ProvisioningStatusOutputs, on)).toMatchObject({ changes: false });
    });

    it("is never started again: update and create leave a running job alone", async () => {
        startedMomentsAgo();
        await h.provider.update!("x", { ...on, enabled: false, statusCode: "Paused" }, on);
        await h.provider.create(on);
        expect(starts()).toBe(0);
        expect(job().status.code).toBe("NotRun");
    });
});

describe("verify's job check on a NotRun job", () => {
    it("does not call a started job Off, and still fails one that was never started", () => {
        const started = judgeJob({ status: { code: "NotRun" }, schedule: { state: "Active", interval: "PT40M" } }, false);
        expect(started.find((v) => v.id === "entra.job-enabled")).toMatchObject({ status: "pass" });
        expect(started.find((v) => v.id === "entra.job-enabled")?.reason).toContain("first cycle");
        const neverStarted = judgeJob({ status: { code: "NotRun" }, schedule: { state: "Disabled" } }, false);
        expect(neverStarted.find((v) => v.id === "entra.job-enabled")).toMatchObject({ status: "fail" });
    });
});
