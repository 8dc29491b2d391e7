// ProvisioningMonitoring under Pulumi mocks: which Azure resources it declares and with what inputs.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import type { MonitoringTarget } from "../components/config";
import { parseStackConfig } from "../components/config";

interface Registered {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

const registered: Registered[] = [];

// Mock ids that look like ARM ids, so wiring between resources is visible in the inputs.
function armId(type: string, name: string): string {
    const kind = type.split(":").pop();
    return `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/mock/${kind}/${name}`;
}

beforeAll(() => {
    pulumi.runtime.setMocks(
        {
            newResource(args) {
                registered.push({ type: args.type, name: args.name, inputs: args.inputs });
                return { id: armId(args.type, args.name), state: { ...args.inputs } };
            },
            call(args) {
                return args.inputs;
            },
        },
        "auth0-entra-scim",
        "prod",
        false,
    );
});

beforeEach(() => {
    registered.length = 0;
});

// Imported after setMocks so the provider SDK sees the mock runtime.
const load = () => import("../components/monitoring/provisioningMonitoring");

function value<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply(resolve));
}

/** Resources register asynchronously; wait until the component's outputs have resolved. */
async function settle(outputs: pulumi.Output<unknown>[]): Promise<void> {
    await Promise.all(outputs.map(value));
    await new Promise((r) => setTimeout(r, 0));
}

const SP_A = "6f1c1c1e-2a8b-4f4e-9a57-0d3b9c1f2e11";
const SP_B = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
const OTHER_SP = "11111111-2222-4333-8444-555555555555";
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

const SETTINGS: MonitoringTarget = {
    resourceGroupName: "rg-identity",
    location: "westeurope",
    alertEmails: ["idm-oncall@example.com", "secops@example.com"],
    evaluationFrequencyMinutes: 15,
};

function byType(type: string): Registered[] {
    return registered.filter((r) => r.type === type);
}

function one(type: string): Registered {
    const found = byType(type);
    expect(found, `${type} registered once`).toHaveLength(1);
    return found[0];
}

interface AlertInputs {
    scopes: string[];
    evaluationFrequency: string;
    windowSize: string;
    criteria: { allOf: Array<{ query: string; operator: string; threshold: number; timeAggregation: string; dimensions: Array<{ name: string }> }> };
    actions: { actionGroups: string[] };
    skipQueryValidation: boolean;
}

/** The stack's validated config with the monitoring block switched on or off. */
function stackSettings(enabled: boolean) {
    return parseStackConfig({
        auth0Domain: "acme.eu.auth0.com",
        entraTenantId: TENANT,
        // Monitoring needs a managed app in the stack's tenant (components/config/monitoring.ts refuses it otherwise).
        connections: [{ name: "acme-entra", entra: {} }],
        monitoring: { enabled, resourceGroupName: "rg-identity", location: "westeurope", alertEmails: ["a@example.com"] },
    });
}

describe("ProvisioningMonitoring", () => {
    it("creates a workspace, routes ProvisioningLogs and AuditLogs to it, and alerts on the stack's service principals", async () => {
        const { ProvisioningMonitoring } = await load();
        const m = new ProvisioningMonitoring("monitoring", {
            settings: SETTINGS,
            // Two connections' service principals: one as azuread's resource id, one as a bare object id (an Output).
            servicePrincipalIds: [`/servicePrincipals/${SP_B}`, pulumi.output(SP_A)],
        });
        await settle([m.query, m.workspaceId, m.actionGroup.id, m.alertRule.id, m.diagnosticSetting.id]);

        const workspace = one("azure-native:operationalinsights:Workspace");
        expect(workspace.inputs).toMatchObject({ resourceGroupName: "rg-identity", location: "westeurope", sku: { name: "PerGB2018" } });
        const workspaceId = armId(workspace.type, workspace.name);

        const diag = one("azure-native:aadiam:DiagnosticSetting");
        expect(diag.inputs.workspaceId).toBe(workspaceId);
        const logs = diag.inputs.logs as Array<{ category: string; enabled: boolean }>;
        expect(logs.map((l) => l.category).sort()).toEqual(["AuditLogs", "ProvisioningLogs"]);
        expect(logs.every((l) => l.enabled)).toBe(true);
        expect(diag.inputs.name).toBe("auth0-entra-scim-prod");

        const group = one("azure-native:monitor:ActionGroup");
        const receivers = group.inputs.emailReceivers as Array<{ name: string; emailAddress: string }>;
        expect(receivers.map((r) => r.emailAddress)).toEqual(SETTINGS.alertEmails);
        expect(new Set(receivers.map((r) => r.name)).size).toBe(receivers.length);
        expect((group.inputs.groupShortName as string).length).toBeLessThanOrEqual(12);

        const rule = one("azure-native:monitor:ScheduledQueryRule");
        const alert = rule.inputs as unknown as AlertInputs;
        expect(alert.scopes).toEqual([workspaceId]);
        expect(alert.actions.actionGroups).toEqual([armId(group.type, group.name)]);
        expect(alert.evaluationFrequency).toBe("PT15M");
        expect(alert.windowSize).toBe("PT1H");
        expect(alert.skipQueryValidation).toBe(true);
        const [condition] = alert.criteria.allOf;
        expect(condition).toMatchObject({ operator: "GreaterThan", threshold: 0, timeAggregation: "Count" });
        expect(condition.dimensions.map((d) => d.name)).toEqual(["ServicePrincipalId", "Signal"]);

        // The query names exactly the stack's service principals, normalised, and nobody else.
        const query = condition.query;
        expect(query).toBe(await value(m.query));
        const listed = /let servicePrincipalIds = dynamic\(\[(.*)\]\);/.exec(query);
        expect(listed).not.toBeNull();
        expect(listed![1]).toBe(`"${SP_B}", "${SP_A}"`);
        expect(query).not.toContain(OTHER_SP);
        expect(query).not.toContain("/servicePrincipals/");
        expect(query).toContain("AADProvisioningLogs");
        expect(query).toMatch(/ResultType =~ "Failure"/);
        expect(query).toMatch(/AuditLogs[\s\S]*"Quarantine"/);
        expect(query).not.toContain("AADTenantId");

        // Every child hangs under the component.
        for (const child of [m.workspace!, m.diagnosticSetting, m.actionGroup, m.alertRule]) {
            expect(await value(child.urn)).toContain("auth0-entra-scim:index:ProvisioningMonitoring$");
        }
    });

    it("uses a given workspace instead of creating one, and filters on the tenant", async () => {
        const { ProvisioningMonitoring } = await load();
        const existing = "/subscriptions/0000/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/central";
        const m = new ProvisioningMonitoring("monitoring-existing", {
            settings: { ...SETTINGS, logAnalyticsWorkspaceId: existing, evaluationFrequencyMinutes: 60 },
            servicePrincipalIds: [SP_A],
            tenantId: TENANT,
        });
        await settle([m.query, m.alertRule.id, m.diagnosticSetting.id]);

        expect(m.workspace).toBeUndefined();
        expect(byType("azure-native:operationalinsights:Workspace")).toHaveLength(0);
        expect(one("azure-native:aadiam:DiagnosticSetting").inputs.workspaceId).toBe(existing);
        const alert = one("azure-native:monitor:ScheduledQueryRule").inputs as unknown as AlertInputs;
        expect(alert.scopes).toEqual([existing]);
        expect(alert.evaluationFrequency).toBe("PT1H");
        const query = alert.criteria.allOf[0].query;
        expect(query.match(/AADTenantId =~ "72f988bf-86f1-41af-91ab-2d7cd011db47"/g)).toHaveLength(2);
        expect(query).toContain(SP_A);
    });

    it("refuses to watch nobody", async () => {
        const { ProvisioningMonitoring } = await load();
        expect(() => new ProvisioningMonitoring("monitoring-empty", { settings: SETTINGS, servicePrincipalIds: [] })).toThrow(/no service principal to watch/);
    });

    it("creates nothing when monitoring is off in the stack config", async () => {
        const { createProvisioningMonitoring } = await load();
        const settings = stackSettings(false);
        expect(settings.monitoring).toBeUndefined();
        const m = createProvisioningMonitoring("monitoring-off", { settings: settings.monitoring, servicePrincipalIds: [SP_A] });
        expect(m).toBeUndefined();
        await new Promise((r) => setTimeout(r, 10));
        expect(registered).toEqual([]);
    });

    it("creates the component when monitoring is on in the stack config", async () => {
        const { createProvisioningMonitoring } = await load();
        const settings = stackSettings(true);
        const m = createProvisioningMonitoring("monitoring-on", { settings: settings.monitoring, servicePrincipalIds: [SP_A] });
        expect(m).toBeDefined();
        await settle([m!.query, m!.alertRule.id]);
        expect(byType("azure-native:monitor:ScheduledQueryRule")).toHaveLength(1);
    });
});

describe("alert query and schedule helpers", () => {
    it("refuses ids that are not GUIDs, since they are spliced into KQL", async () => {
        const { provisioningAlertQuery } = await load();
        expect(() => provisioningAlertQuery([`${SP_A}"]); AuditLogs | take 1 //`])).toThrow(/not a service principal object id/);
        expect(() => provisioningAlertQuery([SP_A], "contoso.onmicrosoft.com")).toThrow(/not an Entra tenant id/);
    });

    it("deduplicates ids case-insensitively and sorts them", async () => {
        const { normalizeServicePrincipalIds } = await load();
        expect(normalizeServicePrincipalIds([SP_A.toUpperCase(), `/servicePrincipals/${SP_A}`, SP_B])).toEqual([SP_B, SP_A]);
    });

    it("rounds the evaluation frequency up to one Azure supports and writes ISO 8601", async () => {
        const { supportedFrequencyMinutes, isoDuration } = await load();
        expect([5, 7, 15, 16, 59, 61, 400, 1440].map(supportedFrequencyMinutes)).toEqual([5, 10, 15, 30, 60, 120, 1440, 1440]);
        expect([5, 45, 60, 180, 1440].map(isoDuration)).toEqual(["PT5M", "PT45M", "PT1H", "PT3H", "P1D"]);
    });
});
