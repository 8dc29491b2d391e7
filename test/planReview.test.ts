// The offline plan as a reviewer reads it (text and --json): the real CLI in a child process, loaded through ts-node.
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import { planCli, simulatedScimToken } from "./support/planCli";

const { plan, planWith, stackFile } = planCli();

describe("npm run plan: what a reviewer reads", () => {
    const managed = (name: string, scim: string[] = []) => [
        `    - name: ${name}`,
        ...(scim.length ? ["      scim:", ...scim.map((l) => `        ${l}`)] : []),
        "      entra:",
        "        assignments:",
        "          users: [6f1c1c1e-2a8b-4f4e-9a57-0d3b9c1f2e11]",
    ];
    /** A stack file with the example's Auth0 domain and Entra tenant, `extra` keys, and one managed connection. */
    const stackConfig = (name: string, ...extra: string[]) => [
        "config:",
        "  auth0:domain: acme.eu.auth0.com",
        "  azuread:tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47",
        ...extra,
        "  auth0-entra-scim:connections:",
        ...managed(name),
    ];

    it("says which Auth0 domain and Entra tenant it used and that they came from the environment", () => {
        const file = stackFile("Pulumi.env.yaml", ["config:", "  auth0-entra-scim:connections:", ...managed("env-conn")]);
        const { code, stdout } = planWith(
            { AUTH0_DOMAIN: "from-env.us.auth0.com", ARM_TENANT_ID: "9f2c1d3e-5a4b-4c6d-8e7f-0a1b2c3d4e5f" },
            "--config-file",
            file,
        );
        expect(code).toBe(0);
        expect(stdout).toContain("Auth0 domain: from-env.us.auth0.com (environment variable AUTH0_DOMAIN: auth0:domain is not set in Pulumi.env.yaml)");
        expect(stdout).toContain(
            "Entra tenant: 9f2c1d3e-5a4b-4c6d-8e7f-0a1b2c3d4e5f (environment variable ARM_TENANT_ID: azuread:tenantId is not set in Pulumi.env.yaml)",
        );
        expect(stdout).toContain('identifierUri: "urn:auth0:from-env:env-conn"');
    });

    it("says which values it derived because an optional key is unset, and which it read", () => {
        const derived = plan("--config-file", stackFile("Pulumi.derived.yaml", stackConfig("d")));
        expect(derived.stdout).toContain("Auth0 tenant name: acme (derived from auth0:domain: auth0-entra-scim:tenantName is not set in Pulumi.derived.yaml)");
        expect(derived.stdout).toContain(
            "SAML reply URLs on: acme.eu.auth0.com (auth0:domain: auth0-entra-scim:customDomain is not set in Pulumi.derived.yaml)",
        );
        const set = plan(
            "--config-file",
            stackFile("Pulumi.set.yaml", stackConfig("s", "  auth0-entra-scim:tenantName: acme-prod", "  auth0-entra-scim:customDomain: login.acme.example")),
        );
        expect(set.stdout).toContain("Auth0 tenant name: acme-prod (auth0-entra-scim:tenantName in Pulumi.set.yaml)");
        expect(set.stdout).toContain("SAML reply URLs on: login.acme.example (auth0-entra-scim:customDomain in Pulumi.set.yaml)");
        expect(set.stdout).toContain('identifierUri: "urn:auth0:acme-prod:s"');
    });

    it("takes an empty AUTH0_DOMAIN as unset, as the provider does, and says the key is required", () => {
        const file = stackFile("Pulumi.emptyenv.yaml", [
            "config:",
            "  auth0-entra-scim:connections:",
            "    - name: a",
            "      saml: {metadataUrl: https://idp.example/a.xml}",
        ]);
        const { code, stdout, stderr } = planWith({ AUTH0_DOMAIN: "" }, "--config-file", file);
        expect(code).toBe(1);
        expect(stdout + stderr).toContain("auth0:domain: is required: pulumi config set auth0:domain");
        expect(stdout + stderr).not.toContain("must not be empty");
    });

    it("prefers the stack file's keys over the environment, and says so", () => {
        const file = stackFile("Pulumi.keys.yaml", [
            "config:",
            "  auth0:domain: in-file.eu.auth0.com",
            "  azuread:tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47",
            "  auth0-entra-scim:connections:",
            ...managed("file-conn"),
        ]);
        const { code, stdout } = planWith(
            { AUTH0_DOMAIN: "from-env.us.auth0.com", ARM_TENANT_ID: "9f2c1d3e-5a4b-4c6d-8e7f-0a1b2c3d4e5f" },
            "--config-file",
            file,
        );
        expect(code).toBe(0);
        expect(stdout).toContain("Auth0 domain: in-file.eu.auth0.com (auth0:domain in Pulumi.keys.yaml)");
        expect(stdout).toContain("Entra tenant: 72f988bf-86f1-41af-91ab-2d7cd011db47 (azuread:tenantId in Pulumi.keys.yaml)");
        expect(stdout).not.toContain("from-env");
    });

    it("with monitoring on, says which subscription it deploys into and that it came from the environment", () => {
        const monitoring = (...extra: string[]) =>
            stackConfig(
                "mon-conn",
                ...extra,
                "  auth0-entra-scim:monitoring:",
                "    enabled: true",
                "    resourceGroupName: rg-scim",
                "    location: westeurope",
                "    alertEmails: [ops@example.com]",
            );
        const env = { ARM_SUBSCRIPTION_ID: "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d" };
        const fromEnv = planWith(env, "--config-file", stackFile("Pulumi.mon.yaml", monitoring()));
        expect(fromEnv.code).toBe(0);
        expect(fromEnv.stdout).toContain(
            "Azure subscription (monitoring): 5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d (environment variable ARM_SUBSCRIPTION_ID: azure-native:subscriptionId is not set in Pulumi.mon.yaml)",
        );
        const json = planWith(
            env,
            "--config-file",
            stackFile("Pulumi.monkey.yaml", monitoring("  azure-native:subscriptionId: 11111111-2222-4333-8444-555555555555")),
            "--json",
        );
        expect(JSON.parse(json.stdout).azureSubscription).toMatchObject({ value: "11111111-2222-4333-8444-555555555555", from: "stack file" });
        const typo = planWith(
            env,
            "--config-file",
            stackFile("Pulumi.montypo.yaml", monitoring("  azure-native:subscriptonId: 11111111-2222-4333-8444-555555555555")),
        );
        expect(typo.code).toBe(1);
        expect(typo.stderr + typo.stdout).toContain("did you mean azure-native:subscriptionId?");
    });

    it("prints no subscription line without monitoring", () => {
        const { stdout } = planWith(
            { ARM_SUBSCRIPTION_ID: "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d" },
            "--config-file",
            stackFile("Pulumi.nomon.yaml", stackConfig("no-mon")),
        );
        expect(stdout).toContain("Entra tenant: 72f988bf");
        expect(stdout).not.toContain("Azure subscription");
    });

    it("reports secure: values the plan must read as encrypted, not as malformed", () => {
        const file = stackFile("Pulumi.secure.yaml", [
            "config:",
            "  auth0:domain:",
            "    secure: v1:AAAAAAAAAAAAAAAA:CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC",
            "  azuread:tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47",
            "  auth0-entra-scim:connections:",
            "    - name:",
            "        secure: v1:AAAAAAAAAAAAAAAA:DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD",
            "      entra: {}",
        ]);
        const { code, stdout, stderr } = plan("--config-file", file);
        expect(code).toBe(1);
        expect(stdout).toBe("");
        expect(stderr).toMatch(/ {2}- auth0:domain: is a secure: value \(encrypted in the stack file\), and the offline plan cannot decrypt it/);
        expect(stderr).toMatch(/ {2}- connections\[0\]\.name: is a secure: value/);
        expect(stderr).not.toMatch(/not a domain name|not a valid Auth0 connection name/);
        expect(stderr).not.toContain("CCCCCCCC");
    });

    it("shows every SCIM mapping that differs from the defaults, so two stacks that differ only there read differently", () => {
        const a = stackFile("Pulumi.map-a.yaml", [
            "config:",
            "  auth0:domain: acme.eu.auth0.com",
            "  auth0-entra-scim:connections:",
            "    - name: m",
            "      saml: {metadataUrl: https://idp.example/m.xml}",
        ]);
        const b = stackFile("Pulumi.map-a2.yaml", [
            ...fs.readFileSync(a, "utf8").trimEnd().split("\n"),
            "      scim:",
            "        mappings:",
            "          - {scim: displayName, auth0: app_metadata.display_name}",
            "          - {scim: urn:example:costCode, auth0: app_metadata.cost_code}",
        ]);
        const plain = plan("--config-file", a);
        const changed = plan("--config-file", b);
        expect(plain.code).toBe(0);
        expect(changed.code).toBe(0);
        expect(plain.stdout).toContain("32 mappings, the defaults (Auth0's list, with the walkthrough's userName and work e-mail mappings), unchanged");
        expect(changed.stdout).toContain("33 mappings, the defaults (Auth0's list, with the walkthrough's userName and work e-mail mappings) with 2 changes:");
        expect(changed.stdout).toContain("~ displayName -> app_metadata.display_name   (default: displayName -> name)");
        expect(changed.stdout).toContain("+ urn:example:costCode -> app_metadata.cost_code   (added)");
    });

    it("labels simulated dates as such, relative to today", () => {
        const file = stackFile("Pulumi.dates.yaml", [
            "config:",
            "  auth0:domain: acme.eu.auth0.com",
            "  auth0-entra-scim:connections:",
            "    - name: d",
            "      saml: {metadataUrl: https://idp.example/d.xml}",
            "      scim: {tokenLifetimeDays: 90}",
        ]);
        // "Today" is read before and after the run: a run across UTC midnight may print either day.
        const before = new Date();
        const { code, stdout } = plan("--config-file", file);
        const after = new Date();
        expect(code).toBe(0);
        const in90 = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + 90 * 86_400_000).toISOString();
        const lines = [before, after].map((d) => `scimTokenValidUntil: "${in90(d)}"   (simulated: today + 90 days)`);
        expect(
            lines.some((l) => stdout.includes(l)),
            `${lines.join(" or ")} in:\n${stdout}`,
        ).toBe(true);
        expect(stdout).not.toContain("2026-01-01");
    });

    it("prints a warning shared by many connections once, naming them", () => {
        const file = stackFile("Pulumi.many.yaml", [
            "config:",
            "  auth0:domain: acme.eu.auth0.com",
            "  auth0-entra-scim:connections:",
            ...["w1", "w2", "w3"].flatMap((n) => [`    - name: ${n}`, `      saml: {metadataUrl: https://idp.example/${n}.xml}`]),
        ]);
        const { code, stdout } = plan("--config-file", file);
        expect(code).toBe(0);
        const lines = stdout.split("\n").filter((l) => l.includes("the SCIM token never expires"));
        expect(lines).toEqual([expect.stringMatching(/^ {2}! connections w1, w2, w3: the SCIM token never expires/)]);
    });
});

describe("npm run plan -- --json", () => {
    it("prints one JSON document in the documented shape, secrets as [secret]", () => {
        const { code, stdout, stderr } = plan("--json");
        expect(stderr).toBe("");
        expect(code).toBe(0);
        const doc = JSON.parse(stdout) as import("../tools/plan/json").PlanJson;
        expect(doc.planVersion).toBe(1);
        expect(doc.simulated).toBe(true);
        expect(doc.file).toBe("Pulumi.example.yaml");
        expect(doc.auth0Domain).toMatchObject({ value: "acme.eu.auth0.com", from: "stack file", key: "auth0:domain" });
        expect(doc.connections.map((c) => [c.name, c.kind])).toEqual([
            ["contoso-entra", "managed-entra"],
            ["fabrikam-entra", "auth0-only"],
        ]);
        const contoso = doc.connections[0];
        expect(contoso.outputs.scimToken).toBe("[secret]");
        const secret = contoso.resources.find((r) => r.type === "azuread:index/synchronizationSecret:SynchronizationSecret");
        expect(secret?.inputs.credentials).toBe("[secret]");
        expect(secret?.dependsOn).toEqual(expect.arrayContaining(["contoso-entra-auth0-scim-token"]));
        expect(contoso.scimMappingChanges).toEqual([{ scim: "title", auth0: "app_metadata.job_title", default: "app_metadata.title" }]);
        expect(doc.warnings.find((w) => w.message.startsWith("the SCIM token never expires"))?.connections).toEqual(["fabrikam-entra"]);
        expect(doc.summary).toEqual({ connections: 2, resources: 19 });
        for (const c of ["contoso-entra", "fabrikam-entra"]) expect(stdout).not.toContain(simulatedScimToken(c).split(".")[1]);
    });

    it("keeps stdout JSON when the config is invalid, with every problem", () => {
        const file = stackFile("Pulumi.badjson.yaml", ["config:", "  auth0:domain: acme.eu.auth0.com", "  auth0-entra-scim:connections: []"]);
        const { code, stdout, stderr } = plan("--config-file", file, "--json");
        expect(code).toBe(1);
        expect(stderr).toContain("connections: is empty");
        const doc = JSON.parse(stdout) as import("../tools/plan/json").PlanJsonError;
        expect(doc.error.kind).toBe("config");
        expect(doc.error.problems).toEqual([{ path: "connections", message: expect.stringContaining("is empty") }]);
    });
});
