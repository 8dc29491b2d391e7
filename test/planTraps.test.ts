// Config traps as a user meets them through `npm run plan`: each used to give exit code 0 and a plan of the wrong thing.
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { planCli } from "./support/planCli";

const { plan, planWith, stackFile } = planCli();
const EXAMPLES = path.join(__dirname, "..", "examples", "stacks");

const connection = ["  auth0-entra-scim:connections:", "    - name: t", "      saml: {metadataUrl: https://idp.example/t.xml}"];

describe("npm run plan: config traps", () => {
    it("a misspelt monitoring block is named, not silently dropped", () => {
        const file = stackFile("Pulumi.monitorng.yaml", [
            "config:",
            "  auth0:domain: acme.eu.auth0.com",
            ...connection,
            "  auth0-entra-scim:monitorng:",
            "    enabled: true",
        ]);
        const { code, stdout, stderr } = plan("--config-file", file);
        expect(code).toBe(1);
        expect(stdout).toBe("");
        expect(stderr).toMatch(/ {2}- monitorng: unknown key: this program does not read auth0-entra-scim:monitorng.*did you mean monitoring\?/);
    });

    it("a misspelt auth0:domain is named even when AUTH0_DOMAIN would have filled in", () => {
        const file = stackFile("Pulumi.domian.yaml", [
            "config:",
            "  auth0:domian: acme.eu.auth0.com",
            "  azuread:tenantID: 72f988bf-86f1-41af-91ab-2d7cd011db47",
            ...connection,
        ]);
        const { code, stderr } = planWith({ AUTH0_DOMAIN: "somebody-else.us.auth0.com" }, "--config-file", file);
        expect(code).toBe(1);
        expect(stderr).toMatch(/ {2}- auth0:domian: unknown key: the auth0 provider does not read auth0:domian.*did you mean auth0:domain\?/);
        expect(stderr).toMatch(/ {2}- azuread:tenantID: unknown key: .*did you mean azuread:tenantId\?/);
    });

    it("monitoring of the stack's own tenant needs a subscription, from the stack file or ARM_SUBSCRIPTION_ID", () => {
        const example = fs.readFileSync(path.join(EXAMPLES, "Pulumi.many-tenants.yaml"), "utf8");
        const lines = example.split("\n").filter((l) => !l.includes("azure-native:subscriptionId:"));
        const file = stackFile("Pulumi.nosub.yaml", lines);
        const without = plan("--config-file", file);
        expect(without.code).toBe(1);
        expect(without.stderr).toMatch(/ {2}- azure-native:subscriptionId: is required: monitoring watches the stack's own tenant/);
        const fromEnv = planWith({ ARM_SUBSCRIPTION_ID: "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d" }, "--config-file", file);
        expect(fromEnv.stderr).toBe("");
        expect(fromEnv.code).toBe(0);
    });
});
