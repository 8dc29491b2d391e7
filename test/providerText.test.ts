// The `__provider` text of this project's dynamic resources (components/dynamic/providerText.ts): what Pulumi keeps in
// state for each of them. The one place for what a stored text must be, checked on the texts the whole program
// registers (run outside vitest, credentials in its environment and stack config): one text per type, small, naming
// only its module, no credential. Texts written before the package layout are loaded by Pulumi's real host.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GRAPH_TOKEN_ENV } from "../components/clients/graph";
import { dynamicTypeToken } from "../components/dynamic/dynamicResource";
import { PROVIDER_MODULES, providerModuleText } from "../components/dynamic/providerText";
import { CUSTOM_RESOURCE_TYPES, exampleConfig, shortType } from "./host/scenario";
import { type DynamicHost, startDynamicHost, urnOf } from "./support/dynamicHost";
import { PROJECT_ROOT, type ProgramRegistration, dynamicRegistrations, registerProgramInChild } from "./support/serializeProvider";

// Credentials present when `pulumi up` runs, in the environment and in the stack config: none may be stored.
const ENV_SENTINELS = {
    ARM_TENANT_ID: "7d3c1f2e-0000-4000-8000-00000000abcd",
    ARM_CLIENT_ID: "5b1e2d3c-0000-4000-8000-00000000dcba",
    ARM_CLIENT_SECRET: "arm-client-secret-sentinel-1",
    AZURE_CLIENT_SECRET: "azure-client-secret-sentinel-2",
    ARM_OIDC_TOKEN: "oidc-token-sentinel-3",
    [GRAPH_TOKEN_ENV]: "graph-token-sentinel-4",
    AUTH0_CLIENT_SECRET: "auth0-client-secret-sentinel-5",
    AUTH0_API_TOKEN: "auth0-api-token-sentinel-6",
};
const CONFIG_SENTINELS = { "azuread:clientSecret": "azuread-config-secret-sentinel-7", "auth0:clientSecret": "auth0-config-secret-sentinel-8" };
const SECRETS = [...Object.values(ENV_SENTINELS).filter((v) => !/^[0-9a-f-]{36}$/.test(v)), ...Object.values(CONFIG_SENTINELS)];

let dynamic: ProgramRegistration[];

beforeAll(async () => {
    const config = { ...exampleConfig(), ...CONFIG_SENTINELS };
    dynamic = dynamicRegistrations(await registerProgramInChild({ cwd: PROJECT_ROOT, entry: "index.ts", config, tsNode: true, env: ENV_SENTINELS }));
}, 120_000);

describe("the texts the program stores", () => {
    it("one text per type, so the host loads and configures each provider once; another text for each other type", () => {
        const byType = new Map<string, Set<unknown>>();
        for (const r of dynamic) byType.set(r.type, (byType.get(r.type) ?? new Set()).add(r.inputs.__provider));
        expect([...byType.keys()].sort()).toEqual(CUSTOM_RESOURCE_TYPES.map(dynamicTypeToken).sort());
        expect(dynamic.filter((r) => shortType(r) === "ScimToken").length).toBeGreaterThan(1);
        for (const [type, texts] of byType) expect(texts.size, type).toBe(1);
        expect(new Set(dynamic.map((r) => r.inputs.__provider)).size).toBe(byType.size);
    });

    it("each names its implementation module and stays a few hundred bytes", () => {
        for (const r of dynamic) {
            const text = String(r.inputs.__provider);
            expect(text, r.name).toContain(JSON.stringify(PROVIDER_MODULES[shortType(r)]));
            expect(Buffer.byteLength(text), r.name).toBeLessThan(768);
            // Nothing of the API clients was captured by value.
            expect(text, r.name).not.toMatch(/graph\.microsoft\.com|ClientSecretCredential|DefaultAzureCredential|getToken|ManagementClient/);
        }
    });

    it("no credential from the environment or the stack config is in any stored input, the text included", () => {
        const stored = JSON.stringify(dynamic.map((r) => r.inputs));
        for (const v of SECRETS) expect(stored).not.toContain(v);
    });
});

describe("providerModuleText", () => {
    it("refuses paths that are not plain project-relative module paths", () => {
        for (const bad of ["/etc/passwd", "../outside/x", "components/../../x", 'components/"x', "components\\x", "", "components/x y"]) {
            expect(() => providerModuleText(bad), bad).toThrow(/package-relative/);
        }
    });

    it("builds the type tokens pulumi.dynamic.Resource would", () => {
        expect(dynamicTypeToken("ScimToken")).toBe("pulumi-nodejs:dynamic/auth0-entra-scim:ScimToken");
    });
});

describe("texts already in state, through Pulumi's real host in the project root", () => {
    let host: DynamicHost;
    beforeAll(async () => {
        host = await startDynamicHost({ cwd: PROJECT_ROOT });
        await host.configure({});
    }, 60_000);
    afterAll(async () => {
        await host?.close();
    });

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
    // The types that existed before the package layout (ProvisionOnDemand came after: no old text names it).
    for (const type of ["ScimToken", "SynchronizationSchema", "PreferredTokenSigningKey", "ProvisioningStatus"] as const) {
        const legacyPath = `components/providers/${PROVIDER_MODULES[type].split("/").pop()}`;
        it(`${type}: a text stored before the package layout (${legacyPath}) still checks the program's inputs`, async () => {
            const r = dynamic.find((d) => shortType(d) === type)!;
            const c = await host.check(r.urn, {}, { ...r.inputs, __provider: legacyText(legacyPath) });
            expect(c.failures).toEqual([]);
            const { __provider: _p, ...inputs } = r.inputs;
            expect(c.inputs).toMatchObject(inputs);
        }, 60_000);
    }

    it("reports a missing implementation instead of a provider without methods", async () => {
        const urn = urnOf(dynamicTypeToken("ScimToken"), "missing");
        await expect(host.check(urn, {}, { __provider: providerModuleText("components/providers/doesNotExist") })).rejects.toThrow(/Cannot find module/);
    }, 60_000);
});
