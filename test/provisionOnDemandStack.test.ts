// Defect 2 in the stack: one provision-on-demand test per configured subject, named after it, run after the
// schema and the assignments, before provisioning is turned on; azuread's all-in-one resource is gone.
import { beforeAll, describe, expect, it } from "vitest";
import type { RawStackConfig } from "../components/config";
import { runStack } from "../components/stack";
import { type RecordingMonitor, settle, simulate } from "../tools/plan/simulation";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const USERS = ["6f1c1c1e-2a8b-4f4e-9a57-0d3b9c1f2e11", "7a2d2d2f-3b9c-4a5f-8b68-1e4cad203f22"];
const GROUP = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
const ON_DEMAND = "pulumi-nodejs:dynamic/auth0-entra-scim:ProvisionOnDemand";

const config: RawStackConfig = {
    auth0Domain: "acme.eu.auth0.com",
    entraTenantId: TENANT,
    connections: [
        {
            name: "contoso",
            entra: {
                appName: "Auth0 - Contoso",
                assignments: { users: USERS, groups: [GROUP] },
                provisionGroups: true,
                provisionOnDemand: { users: USERS, groups: [GROUP] },
            },
        },
    ],
};

let monitor: RecordingMonitor;
beforeAll(async () => {
    monitor = await simulate();
    runStack(config);
    await settle();
});

describe("provision on demand in the stack", () => {
    it("declares one resource per subject, named after it, with the schema's rule", () => {
        const pods = monitor.ofType(ON_DEMAND);
        expect(pods.map((p) => p.name).sort()).toEqual(
            [
                `contoso-provisioning-provision-on-demand-user-${USERS[0]}`,
                `contoso-provisioning-provision-on-demand-user-${USERS[1]}`,
                `contoso-provisioning-provision-on-demand-group-${GROUP}`,
            ].sort(),
        );
        const schema = monitor.ofType("pulumi-nodejs:dynamic/auth0-entra-scim:SynchronizationSchema")[0];
        for (const p of pods) {
            expect(p.inputs).toMatchObject({ ruleId: schema.state.synchronizationRuleId, tenantId: TENANT });
            expect(p.inputs.objectTypeName).toBe(p.name.includes("-group-") ? "Group" : "User");
            expect(p.name).toContain(String(p.inputs.objectId));
        }
        expect(monitor.ofType("azuread:index/synchronizationJobProvisionOnDemand:SynchronizationJobProvisionOnDemand")).toEqual([]);
    });

    it("runs each after the schema and the assignments, and turns provisioning on only after all of them", () => {
        const pods = monitor.ofType(ON_DEMAND);
        const schema = monitor.ofType("pulumi-nodejs:dynamic/auth0-entra-scim:SynchronizationSchema")[0];
        const assignments = monitor.ofType("azuread:index/appRoleAssignment:AppRoleAssignment");
        expect(pods).toHaveLength(3);
        expect(assignments).toHaveLength(3);
        for (const p of pods) expect(p.dependencies).toEqual(expect.arrayContaining([schema.urn, ...assignments.map((a) => a.urn)]));
        const status = monitor.ofType("pulumi-nodejs:dynamic/auth0-entra-scim:ProvisioningStatus")[0];
        expect(status.dependencies).toEqual(expect.arrayContaining(pods.map((p) => p.urn)));
    });
});
