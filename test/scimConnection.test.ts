// The library API: ScimConnection declared by another program, with one connection's config as its args.
import { describe, it, expect } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import { type RecordedResource, resolve, settle, simulate } from "../tools/plan/simulation";
import { ConfigError, SCIM_CONNECTION_OUTPUT_NAMES, ScimConnection, type ScimConnectionArgs, runStack } from "../components";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const OTHER_TENANT = "0d9b3a5c-8a0e-4d8e-b2d1-6c5f3f0e9a77";
const USER = "6f1c1c1e-2a8b-4f4e-9a57-0d3b9c1f2e11";
const GROUP = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";

const connection: ScimConnectionArgs["connection"] = {
    name: "contoso",
    entra: { assignments: { users: [USER], groups: [GROUP] }, provisionGroups: true, provisionOnDemand: { users: [USER] } },
    scim: { tokenLifetimeDays: 90 },
};

function thrown(f: () => unknown): unknown {
    try {
        f();
    } catch (err) {
        return err;
    }
    throw new Error("expected an error");
}

/** What a resource was registered as, without ids and URNs of the run. */
function declared(r: RecordedResource) {
    return { type: r.type, name: r.name, inputs: r.inputs, secretPaths: r.secretPaths, additionalSecretOutputs: r.additionalSecretOutputs };
}

describe("ScimConnection args", () => {
    it("throw one error naming every problem by its path in the args, and register nothing", async () => {
        const monitor = await simulate();
        const err = thrown(
            () =>
                new ScimConnection("contoso", {
                    auth0Domain: "https://acme.eu.auth0.com",
                    connection: { name: "contoso", entra: { assignments: { groups: ["Sales"] }, provisionGroups: "yes" as unknown as boolean } },
                    azureadProvider: {},
                } as ScimConnectionArgs),
        );
        await settle();
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as ConfigError).problems.map((p) => p.path)).toEqual([
            "azureadProvider",
            "auth0Domain",
            "connection.entra.tenantId",
            "connection.entra.assignments.groups[0]",
            "connection.entra.provisionGroups",
        ]);
        const message = (err as Error).message;
        expect(message).toMatch(/^Invalid ScimConnection "contoso" args: 5 problems; nothing was registered\./);
        expect(message).toContain("connection.entra.tenantId: a managed Entra app needs a tenant: set the entraTenantId arg, or this key.");
        expect(message).toContain(
            "azureadProvider: unknown key. Known keys here: auth0Domain, auth0TenantName, customDomain, entraTenantId, connection, selfServiceProfileId.",
        );
        expect(monitor.recorded).toEqual([]);
    });

    it("need a tenant name when the domain does not give one", () => {
        const err = thrown(
            () => new ScimConnection("c", { auth0Domain: "login.acme.example", connection: { name: "c", saml: { metadataUrl: "https://idp.example/m" } } }),
        );
        expect((err as ConfigError).problems).toEqual([
            {
                path: "auth0TenantName",
                message: 'cannot be derived from auth0Domain "login.acme.example" (not *.auth0.com); set auth0TenantName to the tenant\'s name.',
            },
        ]);
    });

    it("need a connection", () => {
        const err = thrown(() => new ScimConnection("c", { auth0Domain: "acme.eu.auth0.com" } as ScimConnectionArgs));
        expect((err as ConfigError).problems.map((p) => p.path)).toEqual(["connection"]);
    });
});

describe("ScimConnection in another program", () => {
    it("declares what the stack declares for the same connection, with the same defaults", async () => {
        const asStack = await simulate();
        const stackOutputs = runStack({ auth0Domain: "acme.eu.auth0.com", entraTenantId: TENANT, connections: [connection] });
        await settle();
        const fromStack = asStack.recorded.map(declared);

        const asLibrary = await simulate();
        const conn = new ScimConnection("contoso", { auth0Domain: "acme.eu.auth0.com", entraTenantId: TENANT, connection });
        await settle();
        expect(asLibrary.recorded.map(declared)).toEqual(fromStack);
        // The output contract: the same names as one entry of the stack's `connections` output, all of them known.
        expect(Object.keys(conn.outputs).sort()).toEqual(Object.keys(stackOutputs.contoso).sort());
        for (const key of Object.keys(conn.outputs)) expect(SCIM_CONNECTION_OUTPUT_NAMES).toContain(key);
        expect((await resolve(conn.outputs.scimToken)).secret).toBe(true);
    });

    it("gives every Entra resource the azuread provider from opts.providers, and leaves Auth0's alone", async () => {
        const monitor = await simulate();
        const other = new azuread.Provider("other-tenant", { tenantId: OTHER_TENANT });
        new ScimConnection("contoso", { auth0Domain: "acme.eu.auth0.com", entraTenantId: OTHER_TENANT, connection }, { providers: { azuread: other } });
        await settle();
        const providerUrn = monitor.ofType("pulumi:providers:azuread")[0].urn;
        const azureadResources = monitor.recorded.filter((r) => r.type.startsWith("azuread:"));
        expect(azureadResources.length).toBeGreaterThan(5);
        for (const r of azureadResources) expect(r.provider, r.name).toContain(providerUrn);
        for (const r of monitor.recorded.filter((x) => x.type.startsWith("auth0:"))) expect(r.provider, r.name).toBe("");
        // The Graph custom resources sign in to the tenant the args name.
        const signingKey = monitor.ofType("pulumi-nodejs:dynamic/auth0-entra-scim:PreferredTokenSigningKey")[0];
        expect(signingKey.inputs.tenantId).toBe(OTHER_TENANT);
    });

    it("nests under a component of the embedding program", async () => {
        const monitor = await simulate();
        const platform = new pulumi.ComponentResource("platform:index:Identity", "identity");
        new ScimConnection(
            "fabrikam",
            { auth0Domain: "acme.eu.auth0.com", connection: { name: "fabrikam", saml: { metadataUrl: "https://idp.example/m" } } },
            { parent: platform },
        );
        await settle();
        const root = monitor.ofType("auth0-entra-scim:index:ScimConnection")[0];
        expect(root.parent).toBe(monitor.ofType("platform:index:Identity")[0].urn);
    });
});
