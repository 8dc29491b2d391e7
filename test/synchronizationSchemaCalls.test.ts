// Issue 16's call budget for SynchronizationSchema, counted by the Graph stand-in: a refresh reads the schema
// once; create and update read once and write only when their change set is not already applied.
import { beforeEach, describe, expect, it } from "vitest";
import type { EntraAttributeMapping } from "../components/config";
import type { SynchronizationSchemaDocument } from "../components/3-entra-provisioning/synchronizationSchema";
import {
    createProvider,
    type SynchronizationSchemaInputs,
    type SynchronizationSchemaOutputs,
} from "../components/3-entra-provisioning/synchronizationSchemaProvider";
import { useProviderAgainstStandIn } from "./support/providerHarness";

const h = useProviderAgainstStandIn(createProvider);
let jobId: string;
let inputs: SynchronizationSchemaInputs;
const title: EntraAttributeMapping = { targetAttributeName: "title", source: "department", sourceType: "Attribute", object: "User", flowType: "Always" };

beforeEach(() => {
    jobId = h.g.addJob(h.spId);
    inputs = { servicePrincipalId: h.spId, synchronizationJobId: jobId, emailMatchingPrecedence: 2, provisionGroups: false, attributeMappings: [title] };
});
const live = () => h.g.state.jobs.get(jobId)!.schema as SynchronizationSchemaDocument;
const groupMapping = () => live().synchronizationRules![0].objectMappings!.find((m) => m.sourceObjectName === "Group")!;
const calls = () => h.g.requests.map((r) => r.method);
async function created(): Promise<SynchronizationSchemaOutputs> {
    const outs = (await h.provider.create(inputs)).outs as SynchronizationSchemaOutputs;
    h.g.reset();
    return outs;
}

describe("SynchronizationSchema call budget", () => {
    it("create: one read and one write on a fresh job, one read on a job already as declared", async () => {
        await h.provider.create(inputs);
        expect(calls()).toEqual(["GET", "PUT"]);
        h.g.reset();
        await h.provider.create(inputs);
        expect(calls()).toEqual(["GET"]);
    });

    it("refresh reads the schema once, whether or not it drifted", async () => {
        const outs = await created();
        await h.provider.read!(`${h.spId}/${jobId}`, outs);
        expect(calls()).toEqual(["GET"]);
        groupMapping().enabled = true;
        h.g.reset();
        await h.provider.read!(`${h.spId}/${jobId}`, outs);
        expect(calls()).toEqual(["GET"]);
    });

    it("update: one read, and no write when the live schema already has the change", async () => {
        const outs = await created();
        // Someone enabled groups in the portal; config now says the same.
        groupMapping().enabled = true;
        await h.provider.update!("x", outs, { ...inputs, provisionGroups: true });
        expect(calls()).toEqual(["GET"]);
    });

    it("update: one read and one write when the change is not applied yet", async () => {
        const outs = await created();
        await h.provider.update!("x", outs, { ...inputs, provisionGroups: true, emailMatchingPrecedence: 3 });
        expect(calls()).toEqual(["GET", "PUT"]);
        expect(groupMapping().enabled).toBe(true);
    });

    it("a no-change diff makes no call", async () => {
        const outs = await created();
        await h.provider.diff!("x", outs, inputs);
        expect(calls()).toEqual([]);
    });
});
