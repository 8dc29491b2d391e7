// The `__provider` text of this project's dynamic resources (components/dynamic/providerText.ts): what Pulumi keeps in
// state for each of them. Small, free of anything but a module path, and loadable the way Pulumi's
// dynamic-provider host loads it (require-from-string, then handler()) in a fresh process in the project root.
import { describe, expect, it } from "vitest";
import { PROVIDER_MODULES, providerModuleText } from "../components/dynamic/providerText";
import { dynamicTypeToken } from "../components/dynamic/dynamicResource";
import { runSerializedProvider } from "./support/serializeProvider";

const CHECK_INPUTS: Record<keyof typeof PROVIDER_MODULES, Record<string, unknown>> = {
    ScimToken: { connectionId: "con_Hvg6w4PSvAVOoCJ2", scopes: ["get:users", "post:users"] },
    SynchronizationSchema: { servicePrincipalId: "sp-1", synchronizationJobId: "scim.abc.def", provisionGroups: false },
    PreferredTokenSigningKey: { servicePrincipalId: "sp-1", thumbprint: "2F8B4E1C9A7D3B6E5F0A1C2D3E4F5A6B7C8D9E0F" },
    ProvisioningStatus: { servicePrincipalId: "sp-1", synchronizationJobId: "scim.abc.def", enabled: true },
    ProvisionOnDemand: { servicePrincipalId: "sp-1", synchronizationJobId: "scim.abc.def", ruleId: "rule-1", objectId: "user-1", objectTypeName: "User" },
};

describe("providerModuleText", () => {
    it("names the implementation and stays a few hundred bytes", () => {
        for (const modulePath of Object.values(PROVIDER_MODULES)) {
            const text = providerModuleText(modulePath);
            expect(text).toContain(JSON.stringify(modulePath));
            expect(Buffer.byteLength(text)).toBeLessThan(768);
        }
    });

    it("is the same text for every resource of a type, so the host loads and configures each provider once", () => {
        expect(providerModuleText(PROVIDER_MODULES.ScimToken)).toBe(providerModuleText(PROVIDER_MODULES.ScimToken));
        expect(providerModuleText(PROVIDER_MODULES.ScimToken)).not.toBe(providerModuleText(PROVIDER_MODULES.ProvisioningStatus));
    });

    it("refuses paths that are not plain project-relative module paths", () => {
        for (const bad of ["/etc/passwd", "../outside/x", "components/../../x", 'components/"x', "components\\x", "", "components/x y"]) {
            expect(() => providerModuleText(bad), bad).toThrow(/package-relative/);
        }
    });

    it("builds the type tokens pulumi.dynamic.Resource would", () => {
        expect(dynamicTypeToken("ScimToken")).toBe("pulumi-nodejs:dynamic/auth0-entra-scim:ScimToken");
    });
});

describe("loaded as Pulumi's dynamic-provider host loads it", () => {
    for (const [type, modulePath] of Object.entries(PROVIDER_MODULES) as [keyof typeof PROVIDER_MODULES, string][]) {
        it(`${type}: finds ${modulePath} and runs its check`, async () => {
            const r = await runSerializedProvider(providerModuleText(modulePath), "check", [{}, CHECK_INPUTS[type]]);
            expect(r).toMatchObject({ ok: true });
            const result = (r as { result: { inputs?: Record<string, unknown>; failures?: unknown[] } }).result;
            expect(result.failures ?? []).toEqual([]);
            expect(result.inputs).toMatchObject(CHECK_INPUTS[type]);
        }, 60_000);
    }

    // Exactly what stacks deployed before the package layout hold in state: they must keep loading.
    const legacyText = (modulePath: string) =>
        [
            `// auth0-entra-scim dynamic provider (components/providers/shim.ts)`,
            `exports.handler = function () {`,
            `  var path = require("path"), root = process.cwd();`,
            `  if (!require.extensions[".ts"]) require("ts-node").register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });`,
            `  return require(path.join(root, ${JSON.stringify(modulePath)})).provider;`,
            `};`,
            "",
        ].join("\n");
    for (const [type, legacyPath] of [
        ["ScimToken", "components/providers/scimTokenProvider"],
        ["SynchronizationSchema", "components/providers/synchronizationSchemaProvider"],
        ["PreferredTokenSigningKey", "components/providers/preferredTokenSigningKeyProvider"],
        ["ProvisioningStatus", "components/providers/provisioningStatusProvider"],
    ] as const) {
        it(`${type}: a text stored before the package layout (${legacyPath}) still loads the implementation`, async () => {
            const r = await runSerializedProvider(legacyText(legacyPath), "check", [{}, CHECK_INPUTS[type]]);
            expect(r).toMatchObject({ ok: true });
            expect((r as { result: { inputs?: Record<string, unknown> } }).result.inputs).toMatchObject(CHECK_INPUTS[type]);
        }, 60_000);
    }

    it("reports a missing implementation instead of a provider without methods", async () => {
        const r = await runSerializedProvider(providerModuleText("components/providers/doesNotExist"), "check", [{}, {}]).catch((e: Error) => ({
            ok: false as const,
            error: e.message,
        }));
        expect(r.ok).toBe(false);
        expect(JSON.stringify(r)).toMatch(/Cannot find module/);
    }, 60_000);
});
