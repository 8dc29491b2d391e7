// Every example stack file plans cleanly with the real plan CLI, and is the kind of stack its name says.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { PlanJson } from "../tools/plan/json";
import { planCli } from "./support/planCli";

const DIR = path.join(__dirname, "..", "examples", "stacks");
const { plan } = planCli();

function planned(file: string): PlanJson {
    const { code, stdout, stderr } = plan("--config-file", path.join(DIR, file), "--json");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    return JSON.parse(stdout) as PlanJson;
}

describe("examples/stacks", () => {
    it("holds the three documented examples", () => {
        expect(fs.readdirSync(DIR).sort()).toEqual(["Pulumi.auth0-only.yaml", "Pulumi.managed-entra.yaml", "Pulumi.many-tenants.yaml"]);
    });

    it("is not ignored by git (.gitignore keeps stack files out of the repository, but not these)", () => {
        for (const f of fs.readdirSync(DIR)) {
            const res = spawnSync("git", ["check-ignore", "--no-index", "-q", path.join("examples", "stacks", f)], { cwd: path.join(DIR, "..", "..") });
            expect(res.status, f).toBe(1);
        }
    });

    it("managed Entra only: every connection manages an Entra app in the stack's tenant", () => {
        const doc = planned("Pulumi.managed-entra.yaml");
        expect(doc.connections.map((c) => [c.kind, c.entraTenantId])).toEqual([
            ["managed-entra", "72f988bf-86f1-41af-91ab-2d7cd011db47"],
            ["managed-entra", "72f988bf-86f1-41af-91ab-2d7cd011db47"],
        ]);
        const job = (name: string) => doc.connections.find((c) => c.name === name)!.resources.map((r) => r.type);
        expect(job("support-entra")).toContain("pulumi-nodejs:dynamic/auth0-entra-scim:ProvisionOnDemand");
        expect(job("sales-entra")).not.toContain("pulumi-nodejs:dynamic/auth0-entra-scim:ProvisionOnDemand");
        expect(doc.stackResources).toEqual([]);
    });

    it("Auth0 only: no Entra resource at all, so no Entra tenant or credentials are needed", () => {
        const doc = planned("Pulumi.auth0-only.yaml");
        expect(doc.entraTenant.from).toBe("unset");
        expect(doc.connections.map((c) => c.kind)).toEqual(["auth0-only", "auth0-only"]);
        const types = doc.connections.flatMap((c) => c.resources.map((r) => r.type));
        expect(types.filter((t) => t.startsWith("azuread:"))).toEqual([]);
        expect(doc.connections.every((c) => c.outputs.scimToken === "[secret]")).toBe(true);
    });

    it("many tenants with monitoring: a provider per customer tenant, monitoring where the config asks for it", () => {
        const doc = planned("Pulumi.many-tenants.yaml");
        expect(new Set(doc.connections.map((c) => c.entraTenantId)).size).toBe(3);
        const stackLevel = doc.stackResources.map((r) => `${r.type} ${r.name}`);
        expect(stackLevel).toContain("auth0-entra-scim:index:ProvisioningMonitoring monitoring");
        expect(stackLevel).toContain("auth0-entra-scim:index:ProvisioningMonitoring mon-9f2c1d3e-5a4b-4c6d-8e7f-0a1b2c3d4e5f");
        expect(stackLevel.filter((r) => r.includes("4b5c6d7e-8f90-4a1b-9c2d-3e4f5a6b7c8e") && r.includes("Monitoring"))).toEqual([]);
    });
});
