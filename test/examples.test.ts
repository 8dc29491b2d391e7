// examples/: consumer programs of the package, type-checked as their own projects and run against the simulation.
import { describe, expect, it, vi } from "vitest";
import * as path from "node:path";
import * as ts from "typescript";
import type * as pulumi from "@pulumi/pulumi";
import { resolve, settle, simulate } from "../tools/plan/simulation";

const EXAMPLE = path.join(__dirname, "..", "examples", "embedded");

// What `npm install` gives the example (the package, whose root is components/index.ts), here from the source.
vi.mock("auth0-entra-scim", () => import("../components"));

describe("examples/embedded", () => {
    it("type-checks as its own project, with its own tsconfig, against the package's exports", () => {
        const file = ts.readConfigFile(path.join(EXAMPLE, "tsconfig.json"), ts.sys.readFile);
        expect(file.error).toBeUndefined();
        const parsed = ts.parseJsonConfigFileContent(file.config, ts.sys, EXAMPLE);
        // The one liberty: the package name resolves to this checkout's source instead of node_modules.
        const options = { ...parsed.options, baseUrl: EXAMPLE, paths: { "auth0-entra-scim": ["../../components/index.ts"] } };
        const program = ts.createProgram(parsed.fileNames, options);
        const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
        expect(diagnostics).toEqual([]);
        expect(program.getSourceFiles().some((f) => f.fileName.endsWith("components/scimConnection.ts"))).toBe(true);
    }, 60_000);

    it("declares its own resources beside a ScimConnection in the customer's tenant, wired through the connection's outputs", async () => {
        const monitor = await simulate({
            project: "platform-identity",
            config: {
                "auth0:domain": "acme.eu.auth0.com",
                "platform-identity:customerTenantId": "0d9b3a5c-8a0e-4d8e-b2d1-6c5f3f0e9a77",
                "platform-identity:contosoGroupId": "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
            },
        });
        // By path, so that this project's tsc leaves the example to its own tsconfig (the test above).
        const program: Record<string, pulumi.Output<unknown>> = await import(path.join(EXAMPLE, "index.ts"));
        await settle();
        const [connection] = monitor.ofType("auth0:index/connection:Connection");
        const [client] = monitor.ofType("auth0:index/client:Client");
        const [link] = monitor.ofType("auth0:index/connectionClient:ConnectionClient");
        expect(link.inputs.connectionId).toBe(connection.id);
        expect(link.propertyDependencies.connectionId).toEqual([connection.urn]);
        // The portal's side is not checked: the simulation answers no clientId for a Client (not among its inputs).
        expect(client.inputs.name).toBe("Customer portal");
        const [provider] = monitor.ofType("pulumi:providers:azuread");
        for (const r of monitor.recorded.filter((x) => x.type.startsWith("azuread:"))) expect(r.provider, r.name).toContain(provider.urn);
        expect((await resolve(program.contosoScimToken)).secret).toBe(true);
        expect(program.contosoSamlReplyUrl as unknown).toBe("https://acme.eu.auth0.com/login/callback?connection=contoso-entra");
    });
});
