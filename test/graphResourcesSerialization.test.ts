// The three Graph-backed resources as `pulumi up` registers them: their type tokens and inputs, and the
// provider text Pulumi stores in state, produced outside vitest (test/support/serializeProvider.ts).
// That text must hold no credential, stay small, and still work when loaded the way Pulumi's provider host
// loads it: it finds the implementation and the Graph credentials in its own process, at call time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GRAPH_TOKEN_ENV, GRAPH_URL_ENV } from "../components/clients/graph";
import { type GraphStandIn, startGraphStandIn } from "./support/graphStandIn";
import { type ChildRegistration, registerDynamicResourceInChild, runSerializedProvider } from "./support/serializeProvider";

// Credentials present in the environment of `pulumi up`: none may end up in the stored provider or inputs.
const SENTINELS = {
    ARM_TENANT_ID: "7d3c1f2e-0000-4000-8000-00000000abcd",
    ARM_CLIENT_ID: "5b1e2d3c-0000-4000-8000-00000000dcba",
    ARM_CLIENT_SECRET: "arm-client-secret-sentinel-1",
    AZURE_CLIENT_SECRET: "azure-client-secret-sentinel-2",
    ARM_OIDC_TOKEN: "oidc-token-sentinel-3",
    [GRAPH_TOKEN_ENV]: "graph-token-sentinel-4",
};

const RESOURCES = [
    {
        module: "components/3-entra-provisioning/synchronizationSchemaResource",
        className: "SynchronizationSchema",
        provider: "components/3-entra-provisioning/synchronizationSchemaProvider",
    },
    {
        module: "components/1-entra-app/preferredTokenSigningKey",
        className: "PreferredTokenSigningKey",
        provider: "components/1-entra-app/preferredTokenSigningKeyProvider",
    },
    {
        module: "components/3-entra-provisioning/provisioningStatus",
        className: "ProvisioningStatus",
        provider: "components/3-entra-provisioning/provisioningStatusProvider",
    },
] as const;

let g: GraphStandIn;
let spId: string;
let jobId: string;
const regs = new Map<string, ChildRegistration>();

beforeAll(async () => {
    g = await startGraphStandIn();
    spId = g.addServicePrincipal().id;
    jobId = g.addJob(spId);
    const args: Record<string, Record<string, unknown>> = {
        SynchronizationSchema: { servicePrincipalId: spId, synchronizationJobId: jobId, provisionGroups: false },
        PreferredTokenSigningKey: { servicePrincipalId: spId, thumbprint: "2F8B4E1C9A7D3B6E5F0A1C2D3E4F5A6B7C8D9E0F" },
        ProvisioningStatus: { servicePrincipalId: spId, synchronizationJobId: jobId, enabled: true },
    };
    await Promise.all(
        RESOURCES.map(async (r) => {
            regs.set(
                r.className,
                await registerDynamicResourceInChild(
                    { module: r.module, className: r.className, name: `serialized-${r.className}`, args: args[r.className] },
                    { env: SENTINELS },
                ),
            );
        }),
    );
}, 120_000);

afterAll(async () => {
    await g.close();
});

describe("registered under mocks", () => {
    it("uses the project's dynamic type tokens and the declared inputs (defaults filled)", () => {
        expect(regs.get("SynchronizationSchema")).toMatchObject({
            type: "pulumi-nodejs:dynamic/auth0-entra-scim:SynchronizationSchema",
            inputs: { servicePrincipalId: spId, synchronizationJobId: jobId, emailMatchingPrecedence: 2, provisionGroups: false, attributeMappings: [] },
        });
        expect(regs.get("PreferredTokenSigningKey")).toMatchObject({
            type: "pulumi-nodejs:dynamic/auth0-entra-scim:PreferredTokenSigningKey",
            inputs: { servicePrincipalId: spId, thumbprint: "2F8B4E1C9A7D3B6E5F0A1C2D3E4F5A6B7C8D9E0F" },
        });
        expect(regs.get("ProvisioningStatus")).toMatchObject({
            type: "pulumi-nodejs:dynamic/auth0-entra-scim:ProvisioningStatus",
            inputs: { servicePrincipalId: spId, synchronizationJobId: jobId, enabled: true },
        });
    });

    for (const r of RESOURCES) {
        it(`${r.className}: the stored provider is small, names only its module, and holds no credential`, () => {
            const reg = regs.get(r.className)!;
            expect(reg.providerText).toContain(r.provider);
            expect(reg.providerText.length).toBeLessThan(768);
            // Nothing of the Graph client or @azure/identity was captured by value.
            expect(reg.providerText).not.toMatch(/graph\.microsoft\.com|ClientSecretCredential|DefaultAzureCredential|getToken/);
            const stored = reg.providerText + JSON.stringify(reg.inputs);
            for (const [k, v] of Object.entries(SENTINELS)) {
                if (k === "ARM_TENANT_ID" || k === "ARM_CLIENT_ID") continue;
                expect(stored).not.toContain(v);
            }
        });
    }
});

describe("loaded as Pulumi's provider host loads it", () => {
    const env = () => ({ [GRAPH_URL_ENV]: g.url, [GRAPH_TOKEN_ENV]: g.token });

    it("diffs offline: no environment, no Graph call", async () => {
        const reg = regs.get("SynchronizationSchema")!;
        const before = g.requests.length;
        const r = await runSerializedProvider(reg.providerText, "diff", ["id", reg.inputs, { ...reg.inputs, emailMatchingPrecedence: 3 }]);
        expect(r).toEqual({ ok: true, result: { changes: true, replaces: [], deleteBeforeReplace: false } });
        expect(g.requests.length).toBe(before);
    }, 60_000);

    it("creates each resource against Graph with the credentials of its own process", async () => {
        for (const name of ["SynchronizationSchema", "PreferredTokenSigningKey", "ProvisioningStatus"]) {
            const reg = regs.get(name)!;
            const r = await runSerializedProvider(reg.providerText, "create", [reg.inputs], { env: env() });
            expect(r.ok, JSON.stringify(r)).toBe(true);
        }
        const schema = g.state.jobs.get(jobId)!.schema as { synchronizationRules: { objectMappings: { sourceObjectName: string; enabled: boolean }[] }[] };
        expect(schema.synchronizationRules[0].objectMappings.find((m) => m.sourceObjectName === "Group")?.enabled).toBe(false);
        expect(g.state.servicePrincipals.get(spId)?.preferredTokenSigningKeyThumbprint).toBe("2F8B4E1C9A7D3B6E5F0A1C2D3E4F5A6B7C8D9E0F");
        expect(g.state.jobs.get(jobId)?.job.schedule.state).toBe("Active");
        expect(new Set(g.requests.map((q) => q.authorization))).toEqual(new Set([`Bearer ${g.token}`]));
    }, 120_000);

    it("reports a Graph error with the operation and the missing permission", async () => {
        const reg = regs.get("PreferredTokenSigningKey")!;
        g.injectForbidden("PATCH", `/servicePrincipals/${spId}`);
        const r = await runSerializedProvider(reg.providerText, "update", [spId, reg.inputs, reg.inputs], { env: env() });
        expect(r.ok).toBe(false);
        expect(r.ok ? "" : r.error).toMatch(/activate token signing key .* failed \(HTTP 403 on PATCH .*Application\.ReadWrite\.OwnedBy/);
    }, 60_000);
});
