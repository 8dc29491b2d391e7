// SynchronizationSchema's provider against the Graph stand-in: create, no-op diff, update, drift on read,
// delete, and the failures a tenant gives (404 right after create, 429, 503, 403).
import { beforeEach, describe, expect, it } from "vitest";
import type { EntraAttributeMapping } from "../components/config";
import { GraphError } from "../components/clients/graphError";
import {
    createProvider,
    type SynchronizationSchemaInputs,
    type SynchronizationSchemaOutputs,
} from "../components/3-entra-provisioning/synchronizationSchemaProvider";
import type { ObjectMapping, SynchronizationSchemaDocument } from "../components/3-entra-provisioning/synchronizationSchema";
import { defaultScimSchema } from "./support/graphStandIn";
import { useProviderAgainstStandIn } from "./support/providerHarness";

const WORK = 'emails[type eq "work"].value';
const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const RULE_ID = "ea807875-5618-4f0a-9125-0b46a05298ca";

const h = useProviderAgainstStandIn(createProvider);
let jobId: string;
let spId: string;
let inputs: SynchronizationSchemaInputs;

beforeEach(() => {
    spId = h.spId;
    jobId = h.g.addJob(spId);
    inputs = { servicePrincipalId: spId, synchronizationJobId: jobId, emailMatchingPrecedence: 2, provisionGroups: false, attributeMappings: [] };
});

const liveSchema = () => h.g.state.jobs.get(jobId)!.schema as SynchronizationSchemaDocument;
function om(doc: SynchronizationSchemaDocument, source: string): ObjectMapping {
    return doc.synchronizationRules![0].objectMappings!.find((m) => m.sourceObjectName === source)!;
}
function am(doc: SynchronizationSchemaDocument, source: string, target: string) {
    return om(doc, source).attributeMappings!.find((a) => a.targetAttributeName === target)!;
}
/** The default schema with the walkthrough's edits: what the live schema must be after create. */
function walkthroughSchema(groups: boolean): SynchronizationSchemaDocument {
    const doc = defaultScimSchema() as SynchronizationSchemaDocument;
    doc.id = jobId;
    am(doc, "User", WORK).matchingPriority = 2;
    om(doc, "Group").enabled = groups;
    return doc;
}
async function create(i: SynchronizationSchemaInputs = inputs): Promise<SynchronizationSchemaOutputs> {
    const r = await h.provider.create(i);
    expect(r.id).toBe(`${spId}/${jobId}`);
    return r.outs as SynchronizationSchemaOutputs;
}

describe("create", () => {
    it("reads the schema, applies the change set and PUTs the whole document back", async () => {
        const outs = await create();
        expect(h.g.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
            `GET /servicePrincipals/${spId}/synchronization/jobs/${jobId}/schema`,
            `PUT /servicePrincipals/${spId}/synchronization/jobs/${jobId}/schema`,
        ]);
        const put = h.g.requests[1].body as Record<string, unknown>;
        expect(put).not.toHaveProperty("@odata.context");
        expect(put).toEqual(walkthroughSchema(false));
        expect(liveSchema()).toEqual(walkthroughSchema(false));
        expect(outs).toEqual({ ...inputs, originalAttributeMappings: [], synchronizationRuleId: RULE_ID });
    });

    it("makes no PUT when the schema already is as declared", async () => {
        h.g.state.jobs.get(jobId)!.schema = walkthroughSchema(true);
        await create({ ...inputs, provisionGroups: true });
        expect(h.g.requests.map((r) => r.method)).toEqual(["GET"]);
    });

    it("records what overridden mappings were, for later removal", async () => {
        const title: EntraAttributeMapping = {
            targetAttributeName: "title",
            source: "department",
            sourceType: "Attribute",
            object: "User",
            flowType: "Always",
        };
        const outs = await create({ ...inputs, attributeMappings: [title] });
        expect(outs.originalAttributeMappings).toEqual([
            {
                object: "User",
                targetAttributeName: "title",
                original: am(defaultScimSchema() as SynchronizationSchemaDocument, "User", "title"),
                definitionAdded: false,
            },
        ]);
        expect(am(liveSchema(), "User", "title").source?.name).toBe("department");
    });

    it("waits out the 404 of a job created a moment ago", async () => {
        h.g.injectNotFound("GET", /\/schema$/, 2);
        await create();
        expect(h.sleeps).toEqual([2000, 4000]);
        expect(h.g.requests.map((r) => r.status)).toEqual([404, 404, 200, 204]);
        expect(liveSchema()).toEqual(walkthroughSchema(false));
    });

    it("honours Retry-After on 429 and retries 503", async () => {
        h.g.injectThrottle("PUT", /\/schema$/, 3);
        h.g.injectUnavailable("GET", /\/schema$/);
        await create();
        expect(h.sleeps).toEqual([1000, 3000]);
        expect(h.g.requests.map((r) => `${r.method} ${r.status}`)).toEqual(["GET 503", "GET 200", "PUT 429", "PUT 204"]);
        expect(liveSchema()).toEqual(walkthroughSchema(false));
    });

    it("surfaces a 403 as an error naming the job and Synchronization.ReadWrite.All", async () => {
        h.g.injectForbidden("PUT", /\/schema$/);
        const err = await h.provider.create(inputs).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(GraphError);
        expect((err as Error).message).toContain(`write synchronization schema of job ${jobId} failed (HTTP 403 on PUT`);
        expect((err as Error).message).toContain("Authorization_RequestDenied: Insufficient privileges to complete the operation.");
        expect((err as Error).message).toContain("likely lacks Synchronization.ReadWrite.All");
        expect(liveSchema()).toEqual(h.g.state.jobs.get(jobId)!.defaultSchema);
    });

    it("refuses to enable groups on a schema without a Group object mapping, before writing anything", async () => {
        const doc = defaultScimSchema() as SynchronizationSchemaDocument;
        doc.synchronizationRules![0].objectMappings = [om(doc, "User")];
        h.g.state.jobs.get(jobId)!.schema = doc;
        await expect(h.provider.create({ ...inputs, provisionGroups: true })).rejects.toThrow(/no object mapping with sourceObjectName "Group"/);
        expect(h.g.requests.map((r) => r.method)).toEqual(["GET"]);
    });
});

describe("check and diff (no Graph calls)", () => {
    it("fills defaults, normalizes Auth0's dotted names and rejects bad values", async () => {
        const r = await h.provider.check!(
            {},
            {
                servicePrincipalId: spId,
                synchronizationJobId: jobId,
                attributeMappings: [
                    { targetAttributeName: `${ENT}.department`, source: "department", sourceType: "Attribute", object: "User", flowType: "Always" },
                ],
            },
        );
        expect(r.failures).toEqual([]);
        expect(r.inputs).toMatchObject({
            emailMatchingPrecedence: 2,
            provisionGroups: false,
            attributeMappings: [{ targetAttributeName: `${ENT}:department` }],
        });
        const bad = await h.provider.check!({}, { servicePrincipalId: "", synchronizationJobId: jobId, emailMatchingPrecedence: 1 });
        expect(bad.failures?.map((f) => f.property)).toEqual(["servicePrincipalId", "emailMatchingPrecedence"]);
    });

    it("finds no change for the same declaration, in any mapping order", async () => {
        const a: EntraAttributeMapping = { targetAttributeName: "title", source: "department", sourceType: "Attribute", object: "User", flowType: "Always" };
        const b: EntraAttributeMapping = { targetAttributeName: "userType", source: "Employee", sourceType: "Constant", object: "User", flowType: "Always" };
        const outs = await create({ ...inputs, attributeMappings: [a, b] });
        const before = h.g.requests.length;
        expect(await h.provider.diff!(`${spId}/${jobId}`, outs, { ...inputs, attributeMappings: [b, a] })).toMatchObject({ changes: false, replaces: [] });
        expect(h.g.requests.length).toBe(before);
    });

    it("updates in place for settings and replaces for another job", async () => {
        const outs = await create();
        expect(await h.provider.diff!("x", outs, { ...inputs, emailMatchingPrecedence: 3 })).toMatchObject({ changes: true, replaces: [] });
        expect(await h.provider.diff!("x", outs, { ...inputs, provisionGroups: true })).toMatchObject({ changes: true, replaces: [] });
        expect(await h.provider.diff!("x", outs, { ...inputs, synchronizationJobId: "scim.other" })).toMatchObject({
            changes: true,
            replaces: ["synchronizationJobId"],
        });
        expect(await h.provider.diff!("x", outs, { ...inputs, tenantId: "11111111-2222-3333-4444-555555555555" })).toMatchObject({ replaces: ["tenantId"] });
    });
});

describe("update", () => {
    it("changes only what changed and keeps everything else in the live schema, portal edits included", async () => {
        const outs = await create();
        // A portal edit the stack does not manage.
        am(liveSchema(), "User", "displayName").flowType = "ObjectAddOnly";
        const expected = structuredClone(liveSchema());
        om(expected, "Group").enabled = true;
        h.g.reset();
        const r = await h.provider.update!(`${spId}/${jobId}`, outs, { ...inputs, provisionGroups: true });
        expect(h.g.requests.map((x) => x.method)).toEqual(["GET", "PUT"]);
        expect(liveSchema()).toEqual(expected);
        expect(r.outs).toMatchObject({ provisionGroups: true, synchronizationRuleId: RULE_ID });
    });

    it("puts a mapping back as it was when it leaves config, and removes one the stack added", async () => {
        const title: EntraAttributeMapping = {
            targetAttributeName: "title",
            source: "department",
            sourceType: "Attribute",
            object: "User",
            flowType: "Always",
        };
        const cost: EntraAttributeMapping = {
            targetAttributeName: `${ENT}:costCenter`,
            source: "extensionAttribute1",
            sourceType: "Attribute",
            object: "User",
            flowType: "Always",
        };
        const outs = await create({ ...inputs, attributeMappings: [title, cost] });
        expect(am(liveSchema(), "User", `${ENT}:costCenter`)).toBeDefined();
        const r = await h.provider.update!("x", outs, inputs);
        expect(liveSchema()).toEqual(walkthroughSchema(false));
        expect((r.outs as SynchronizationSchemaOutputs).originalAttributeMappings).toEqual([]);
    });

    it("records the original of a mapping declared later", async () => {
        const outs = await create();
        const title: EntraAttributeMapping = {
            targetAttributeName: "title",
            source: "department",
            sourceType: "Attribute",
            object: "User",
            flowType: "Always",
        };
        const r = await h.provider.update!("x", outs, { ...inputs, attributeMappings: [title] });
        const snap = (r.outs as SynchronizationSchemaOutputs).originalAttributeMappings;
        expect(snap.map((s) => [s.targetAttributeName, s.original?.source?.name])).toEqual([["title", "jobTitle"]]);
        await h.provider.update!("x", r.outs as SynchronizationSchemaOutputs, inputs);
        expect(liveSchema()).toEqual(walkthroughSchema(false));
    });
});

describe("read (refresh)", () => {
    it("reports the live values, so portal edits show as drift, and update repairs them", async () => {
        const title: EntraAttributeMapping = {
            targetAttributeName: "title",
            source: "department",
            sourceType: "Attribute",
            object: "User",
            flowType: "Always",
        };
        const declared = { ...inputs, attributeMappings: [title] };
        const outs = await create(declared);
        const unchanged = await h.provider.read!(`${spId}/${jobId}`, outs);
        expect(unchanged.props).toEqual(outs);
        expect(await h.provider.diff!("x", unchanged.props, declared)).toMatchObject({ changes: false });

        // Portal: matching off for the work e-mail, groups enabled, title remapped.
        am(liveSchema(), "User", WORK).matchingPriority = 0;
        om(liveSchema(), "Group").enabled = true;
        am(liveSchema(), "User", "title").source = { expression: "[jobTitle]", name: "jobTitle", parameters: [], type: "Attribute" };
        const drifted = await h.provider.read!(`${spId}/${jobId}`, outs);
        expect(drifted.id).toBe(`${spId}/${jobId}`);
        expect(drifted.props).toMatchObject({
            emailMatchingPrecedence: 0,
            provisionGroups: true,
            attributeMappings: [{ targetAttributeName: "title", source: "jobTitle", sourceType: "Attribute", object: "User", flowType: "Always" }],
            originalAttributeMappings: outs.originalAttributeMappings,
        });
        expect(await h.provider.diff!("x", drifted.props, declared)).toMatchObject({ changes: true, replaces: [] });

        await h.provider.update!("x", drifted.props, declared);
        const repaired = await h.provider.read!(`${spId}/${jobId}`, outs);
        expect(repaired.props).toEqual(outs);
        expect(am(liveSchema(), "User", "title").source?.name).toBe("department");
    });

    it("reads by id alone (import)", async () => {
        await create();
        const r = await h.provider.read!(`${spId}/${jobId}`);
        expect(r.props).toMatchObject({ servicePrincipalId: spId, synchronizationJobId: jobId, emailMatchingPrecedence: 2, provisionGroups: false });
    });

    it("reports a deleted job as gone", async () => {
        const outs = await create();
        h.g.state.jobs.delete(jobId);
        const r = await h.provider.read!(`${spId}/${jobId}`, outs);
        expect(r.id).toBeUndefined();
    });

    it("fails with the operation named on 403", async () => {
        const outs = await create();
        h.g.injectForbidden("GET", /\/schema$/);
        await expect(h.provider.read!(`${spId}/${jobId}`, outs)).rejects.toThrow(
            /read synchronization schema of job .* failed \(HTTP 403 .*Synchronization\.Read\.All or Synchronization\.ReadWrite\.All/,
        );
    });
});

describe("delete", () => {
    it("resets the schema to Microsoft's default", async () => {
        const outs = await create();
        h.g.reset();
        await h.provider.delete!(`${spId}/${jobId}`, outs);
        expect(h.g.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`DELETE /servicePrincipals/${spId}/synchronization/jobs/${jobId}/schema`]);
        expect(liveSchema()).toEqual(h.g.state.jobs.get(jobId)!.defaultSchema);
    });

    it("succeeds when the job is already gone, and retries 503", async () => {
        const outs = await create();
        h.g.injectUnavailable("DELETE", /\/schema$/);
        await h.provider.delete!("x", outs);
        expect(h.sleeps).toEqual([1000]);
        h.g.state.jobs.delete(jobId);
        await expect(h.provider.delete!("x", outs)).resolves.toBeUndefined();
    });
});
