// The offline plan as a reviewer runs it: the real CLI in a child process, loaded through ts-node.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
let tmp: string;

function plan(...args: string[]): { code: number | null; stdout: string; stderr: string } {
    const res = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--project", "tsconfig.json", "tools/plan/cli.ts", ...args], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 120_000,
        // No credentials and no tenant from the environment: the plan must not need them.
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
    });
    return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
});
afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
});

describe("npm run plan", () => {
    it("prints the example stack's resources, the wiring and secrets masked", () => {
        const { code, stdout, stderr } = plan();
        expect(stderr).toBe("");
        expect(code).toBe(0);
        expect(stdout).toContain("Provider responses are SIMULATED");
        expect(stdout).toContain("Connection contoso-entra: Auth0 + managed Entra app in tenant 72f988bf-86f1-41af-91ab-2d7cd011db47");
        expect(stdout).toContain("Connection fabrikam-entra: Auth0 side only");
        for (const type of [
            "azuread:ApplicationFromTemplate",
            "azuread:ServicePrincipal",
            "azuread:ServicePrincipalTokenSigningCertificate",
            "azuread:ApplicationIdentifierUri",
            "azuread:ApplicationRedirectUris",
            "azuread:AppRoleAssignment",
            "azuread:SynchronizationSecret",
            "azuread:SynchronizationJob",
            "auth0:Connection",
            "auth0:ConnectionScimConfiguration",
        ]) {
            expect(stdout, type).toContain(`+ ${type}  contoso-entra`);
        }
        expect(stdout).toMatch(/credentials: \[secret\]\s+<- from contoso-entra-auth0-connection, contoso-entra-auth0-scim-token/);
        expect(stdout).toContain('identifierUri: "urn:auth0:acme:contoso-entra"');
        expect(stdout).toMatch(/entraTenantUrl: "https:\/\/acme\.eu\.auth0\.com\/scim\/v2\/connections\/con_\w+\?aadOptscim062020"/);
        expect(stdout).toContain("scimToken: [secret]");
        expect(stdout).not.toMatch(/tok_\w+\.[0-9a-f]{64}/);
        expect(stdout).toContain("fabrikam-entra: the SCIM token never expires");
    });

    it("reads Pulumi.<stack>.yaml-shaped files and keeps secure values secret", () => {
        const file = path.join(tmp, "Pulumi.dev.yaml");
        fs.writeFileSync(
            file,
            [
                "config:",
                "  auth0:domain: dev-acme.us.auth0.com",
                "  auth0:clientSecret:",
                "    secure: v1:AAAAAAAAAAAAAAAA:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
                "  auth0-entra-scim:connections:",
                "    - name: dev-idp",
                "      saml:",
                "        metadataUrl: https://idp.example/metadata.xml",
            ].join("\n"),
        );
        const { code, stdout } = plan("--config-file", file);
        expect(code).toBe(0);
        expect(stdout).toContain("Offline plan: Pulumi.dev.yaml");
        expect(stdout).toContain('samlEntityId: "urn:auth0:dev-acme:dev-idp"');
        expect(stdout).not.toContain("BBBBBBBB");
    });

    it("exits non-zero with every validation message and prints no plan on bad config", () => {
        const file = path.join(tmp, "Pulumi.bad.yaml");
        fs.writeFileSync(
            file,
            [
                "config:",
                "  auth0:domain: acme.eu.auth0.com",
                "  auth0-entra-scim:connections:",
                "    - name: -bad-",
                "      entra:",
                "        assignments:",
                "          groups: [Sales]",
                "    - name: ok",
                "      scim:",
                "        tokenScopes: [get:users, post:users, patch:users, delete:users, get:groups]",
                "      entra: {}",
            ].join("\n"),
        );
        const { code, stdout, stderr } = plan("--config-file", file);
        expect(code).toBe(1);
        expect(stdout).toBe("");
        expect(stderr).toContain("Invalid stack configuration: 5 problems; nothing was registered.");
        for (const p of [
            "connections[0].name:",
            "connections[0].entra.tenantId:",
            "connections[0].entra.assignments.groups[0]:",
            "connections[1].scim.tokenScopes:",
            "connections[1].entra.tenantId:",
        ]) {
            expect(stderr).toContain(`  - ${p}`);
        }
    });

    it("names a missing stack file and how to make one", () => {
        const { code, stderr } = plan("--stack", "does-not-exist");
        expect(code).toBe(1);
        expect(stderr).toContain("Pulumi.does-not-exist.yaml not found");
    });
});
