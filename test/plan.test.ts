// The offline plan as a reviewer runs it: the real CLI in a child process, loaded through ts-node.
import { describe, it, expect } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { planCli, simulatedScimToken } from "./support/planCli";

const { plan, tmp } = planCli();

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
        for (const c of ["contoso-entra", "fabrikam-entra"]) expect(stdout).not.toContain(simulatedScimToken(c).split(".")[1]);
        expect(stdout).toContain("fabrikam-entra: the SCIM token never expires");
    });

    it("reads Pulumi.<stack>.yaml-shaped files and keeps secure values secret", () => {
        const file = path.join(tmp(), "Pulumi.dev.yaml");
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
        const file = path.join(tmp(), "Pulumi.bad.yaml");
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

    it("names a missing stack file and how to make one, as a usage error", () => {
        const { code, stdout, stderr } = plan("--stack", "does-not-exist");
        expect(code).toBe(2);
        expect(stdout).toBe("");
        expect(stderr).toContain("Pulumi.does-not-exist.yaml not found");
    });
});

describe("npm run plan: flags", () => {
    it.each([
        [["--stack"], /--stack <value>' argument missing/],
        [["--config-file"], /--config-file <value>' argument missing/],
        [["--stack", "--json"], /'--stack' argument is ambiguous/],
        [["--config-file="], /--config-file needs a path/],
        [["--config-file", "no/such/Pulumi.x.yaml"], /no\/such\/Pulumi\.x\.yaml not found: check the path given to --config-file/],
        [["--stak", "dev"], /Unknown option '--stak'/],
    ])("%j is a usage error (exit 2), never a plan of Pulumi.example.yaml", (args, message) => {
        const { code, stdout, stderr } = plan(...args);
        expect(code).toBe(2);
        expect(stdout).not.toContain("Offline plan");
        if (!args.includes("--json")) expect(stdout).toBe("");
        expect(stderr).toMatch(message);
        expect(stderr).toContain("Usage: npm run plan");
    });
});
