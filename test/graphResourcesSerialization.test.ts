// The three Graph-backed resources as the program registers them, through Pulumi's real dynamic-provider host in
// the project root: their type tokens and wiring, a Diff that needs no credentials and calls nothing, and a Graph
// refusal reported with the operation and the permission to grant. Every layout's Check/Diff/Create/Read/Update/
// Delete: test/host/layoutSuite.ts; what a stored text may hold: test/providerText.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DynamicHost, startDynamicHost } from "./support/dynamicHost";
import { PROJECT_ROOT, type ProgramRegistration, registerProgramInChild } from "./support/serializeProvider";
import { type StandIns, exampleConfig, shortType, startStandInsFor } from "./host/scenario";

const GRAPH_TYPES = ["SynchronizationSchema", "PreferredTokenSigningKey", "ProvisioningStatus"];

let regs: ProgramRegistration[];
let graphRegs: Map<string, ProgramRegistration>;
let s: StandIns;
let config: Record<string, unknown>;

beforeAll(async () => {
    config = exampleConfig();
    regs = await registerProgramInChild({ cwd: PROJECT_ROOT, entry: "index.ts", config, tsNode: true });
    graphRegs = new Map(regs.filter((r) => GRAPH_TYPES.includes(r.type.split(":").pop()!)).map((r) => [shortType(r), r]));
    s = await startStandInsFor([...graphRegs.values()], String(config["auth0:domain"]));
}, 120_000);

afterAll(async () => {
    await s?.close();
});

describe("registered by the program", () => {
    it("each on the managed connection's service principal and synchronization job", () => {
        const sp = regs.find((r) => r.type === "azuread:index/servicePrincipal:ServicePrincipal")!;
        const job = regs.find((r) => r.type === "azuread:index/synchronizationJob:SynchronizationJob")!;
        const jobId = job.id.split("/").pop();
        expect([...graphRegs.keys()].sort()).toEqual([...GRAPH_TYPES].sort());
        for (const r of graphRegs.values()) expect(r.inputs.servicePrincipalId, r.name).toBe(sp.state.objectId);
        expect(graphRegs.get("SynchronizationSchema")!.inputs).toMatchObject({
            synchronizationJobId: jobId,
            emailMatchingPrecedence: 2,
            provisionGroups: true,
        });
        expect(graphRegs.get("ProvisioningStatus")!.inputs).toMatchObject({ synchronizationJobId: jobId, enabled: true });
        const cert = regs.find((r) => r.type === "azuread:index/servicePrincipalTokenSigningCertificate:ServicePrincipalTokenSigningCertificate")!;
        expect(graphRegs.get("PreferredTokenSigningKey")!.inputs.thumbprint).toBe(cert.state.thumbprint);
    });
});

describe("through the real host", () => {
    let bare: DynamicHost | undefined;
    let host: DynamicHost | undefined;
    afterAll(async () => {
        await bare?.close();
        await host?.close();
    });

    it("diffs without credentials and without a Graph call", async () => {
        bare = await startDynamicHost({ cwd: PROJECT_ROOT, config });
        await bare.configure();
        const r = graphRegs.get("SynchronizationSchema")!;
        const before = s.graph.requests.length;
        const d = await bare.diff(r.urn, "id", r.inputs, { ...r.inputs, emailMatchingPrecedence: 3 });
        expect(d).toEqual({ changes: "some", replaces: [], deleteBeforeReplace: false });
        expect(s.graph.requests.length).toBe(before);
    }, 60_000);

    it("reports a Graph refusal with the operation and the missing permission", async () => {
        host = await startDynamicHost({ cwd: PROJECT_ROOT, config, env: s.env });
        await host.configure();
        const r = graphRegs.get("PreferredTokenSigningKey")!;
        const sp = String(r.inputs.servicePrincipalId);
        s.graph.injectForbidden("PATCH", `/servicePrincipals/${sp}`);
        await expect(host.update(r.urn, sp, r.inputs, r.inputs)).rejects.toThrow(
            /activate token signing key .* failed \(HTTP 403 on PATCH .*Application\.ReadWrite\.OwnedBy/,
        );
    }, 60_000);
});
