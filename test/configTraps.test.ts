// Config that looked fine and failed (or did the wrong thing) only at `pulumi up`: unknown keys, monitoring without a
// subscription, a certificate end date already past.
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { type RawStackConfig, parseStackConfig } from "../components/config";
import { AUTH0_PROVIDER_KEYS, AZUREAD_PROVIDER_KEYS, AZURE_NATIVE_PROVIDER_KEYS, PROJECT_CONFIG_KEYS, nearestKey } from "../components/config/configKeys";
import type { ConfigProblem } from "../components/config/reader";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const USER = "6f1c1c1e-2a8b-4f4e-9a57-0d3b9c1f2e11";
const SUBSCRIPTION = "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d";
const managed = { name: "c", entra: { assignments: { users: [USER] } } };
const MONITORING = { enabled: true, resourceGroupName: "rg", location: "westeurope", alertEmails: ["ops@example.com"] };

function problems(raw: RawStackConfig, now?: Date): ConfigProblem[] {
    try {
        parseStackConfig(raw, now ? { now } : {});
        return [];
    } catch (err) {
        return (err as { problems: ConfigProblem[] }).problems;
    }
}

const base = (extra: Partial<RawStackConfig> = {}): RawStackConfig => ({
    auth0Domain: "acme.eu.auth0.com",
    entraTenantId: TENANT,
    connections: [managed],
    ...extra,
});

describe("unknown config keys", () => {
    it("names a misspelt key of ours and the key it was meant to be, instead of ignoring it", () => {
        const p = problems(base({ configKeys: ["auth0:domain", "auth0-entra-scim:connections", "auth0-entra-scim:monitorng"] }));
        expect(p).toEqual([{ path: "monitorng", message: expect.stringContaining("did you mean monitoring?") }]);
        expect(p[0].message).toContain("this program does not read auth0-entra-scim:monitorng");
    });

    it("reports `conections` as the unknown key it is, next to the missing connections", () => {
        const p = problems({ auth0Domain: "acme.eu.auth0.com", connections: undefined, configKeys: ["auth0-entra-scim:conections"] });
        expect(p.map((x) => x.path)).toEqual(["conections", "connections"]);
        expect(p[0].message).toContain("did you mean connections?");
    });

    it("names keys the auth0 and azuread providers do not read, with their nearest key", () => {
        const p = problems(base({ configKeys: ["auth0:domian", "azuread:tenantID", "azuread:clientSecret", "auth0:clientId"] }));
        expect(p.map((x) => [x.path, /did you mean ([\w:]+)\?/.exec(x.message)?.[1]])).toEqual([
            ["auth0:domian", "auth0:domain"],
            ["azuread:tenantID", "azuread:tenantId"],
        ]);
        expect(p[0].message).toContain("the auth0 provider does not read auth0:domian");
    });

    it("names a misspelt azure-native key, which would leave monitoring's subscription to ARM_SUBSCRIPTION_ID", () => {
        const p = problems(base({ configKeys: ["azure-native:subscriptonId"], monitoring: MONITORING, azureSubscriptionId: SUBSCRIPTION }));
        expect(p.map((x) => [x.path, /did you mean ([\w:-]+)\?/.exec(x.message)?.[1]])).toEqual([
            ["azure-native:subscriptonId", "azure-native:subscriptionId"],
        ]);
        expect(p[0].message).toContain("the azure-native provider does not read azure-native:subscriptonId");
    });

    it("names the nearest key for a misspelt key inside a block, too", () => {
        const p = problems(base({ connections: [{ ...managed, entra: { ...managed.entra, provisionGroup: false }, scim: { tokenLifetime: 90 } }] }));
        expect(p.map((x) => [x.path, /did you mean (\w+)\?/.exec(x.message)?.[1]])).toEqual([
            ["connections[0].scim.tokenLifetime", "tokenLifetimeDays"],
            ["connections[0].entra.provisionGroup", "provisionGroups"],
        ]);
        expect(p[0].message).toMatch(/^unknown key: did you mean tokenLifetimeDays\? Known keys here: userIdAttribute, /);
    });

    it("leaves other namespaces alone, and names no key when none is close", () => {
        expect(problems(base({ configKeys: ["azure-native:subscriptionId", "pulumi:template", "aws:region"] }))).toEqual([]);
        const p = problems(base({ configKeys: ["auth0-entra-scim:somethingElseEntirely"] }));
        expect(p).toHaveLength(1);
        expect(p[0].message).not.toContain("did you mean");
        expect(nearestKey("monitorng", PROJECT_CONFIG_KEYS)).toBe("monitoring");
        expect(nearestKey("x", PROJECT_CONFIG_KEYS)).toBeUndefined();
    });

    it("accepts every key this program and the providers read", () => {
        const keys = [
            ...PROJECT_CONFIG_KEYS.map((k) => `auth0-entra-scim:${k}`),
            ...AUTH0_PROVIDER_KEYS.map((k) => `auth0:${k}`),
            ...AZUREAD_PROVIDER_KEYS.map((k) => `azuread:${k}`),
            ...AZURE_NATIVE_PROVIDER_KEYS.map((k) => `azure-native:${k}`),
        ];
        expect(problems(base({ configKeys: keys }))).toEqual([]);
    });

    it.each([
        ["auth0", AUTH0_PROVIDER_KEYS],
        ["azuread", AZUREAD_PROVIDER_KEYS],
        ["azure-native", AZURE_NATIVE_PROVIDER_KEYS],
    ])("knows exactly the keys the installed @pulumi/%s reads (config/vars.js)", (pkg, known) => {
        const vars = fs.readFileSync(path.join(require.resolve(`@pulumi/${pkg}/package.json`), "..", "config", "vars.js"), "utf8");
        const read = [...vars.matchAll(/__config\.get\w*\("(\w+)"/g)].map((m) => m[1]);
        expect(read.length).toBeGreaterThan(5);
        expect([...known].sort()).toEqual([...new Set(read)].sort());
    });
});

describe("monitoring without a subscription", () => {
    it("is refused when the stack's own tenant is monitored and neither azure-native:subscriptionId nor ARM_SUBSCRIPTION_ID is set", () => {
        const p = problems(base({ monitoring: MONITORING, azureSubscriptionId: undefined }));
        expect(p).toEqual([{ path: "azure-native:subscriptionId", message: expect.stringMatching(/^is required: monitoring watches the stack's own tenant/) }]);
        expect(p[0].message).toContain("ARM_SUBSCRIPTION_ID");
    });

    it("passes with a subscription, and refuses one that is not a GUID", () => {
        expect(problems(base({ monitoring: MONITORING, azureSubscriptionId: SUBSCRIPTION }))).toEqual([]);
        expect(problems(base({ monitoring: MONITORING, azureSubscriptionId: "my-sub" })).map((x) => x.path)).toEqual(["azure-native:subscriptionId"]);
    });

    it("does not need one when the own tenant is monitored from its monitoring.tenants entry", () => {
        const monitoring = { ...MONITORING, tenants: { [TENANT]: { subscriptionId: SUBSCRIPTION } } };
        expect(problems(base({ monitoring, azureSubscriptionId: undefined }))).toEqual([]);
    });

    it("does not need one with monitoring off", () => {
        expect(problems(base({ monitoring: { ...MONITORING, enabled: false }, azureSubscriptionId: undefined }))).toEqual([]);
    });
});

describe("a malformed azuread:tenantId", () => {
    it("is one problem at its own path, not also a missing tenant at every managed connection", () => {
        const p = problems(base({ entraTenantId: "contoso.onmicrosoft.com", connections: [managed, { ...managed, name: "d" }] }));
        expect(p).toEqual([{ path: "azuread:tenantId", message: expect.stringContaining('"contoso.onmicrosoft.com" is not a tenant id') }]);
    });

    it("still leaves a connection without a tenant reported when no default is set at all", () => {
        expect(problems(base({ entraTenantId: undefined })).map((x) => x.path)).toEqual(["connections[0].entra.tenantId"]);
    });
});

describe("a monitoring block without enabled", () => {
    it("is refused, naming the key and both choices, instead of being switched off unchecked", () => {
        const { enabled: _e, ...withoutEnabled } = MONITORING;
        expect(problems(base({ monitoring: { ...withoutEnabled, alertEmails: ["not-an-email"] }, azureSubscriptionId: SUBSCRIPTION }))).toEqual([
            { path: "monitoring.enabled", message: expect.stringMatching(/^is required when a monitoring block is set: true deploys the alerts, false/) },
        ]);
    });

    it("is fine as an empty block, and with enabled: false", () => {
        expect(problems(base({ monitoring: {}, azureSubscriptionId: SUBSCRIPTION }))).toEqual([]);
        expect(problems(base({ monitoring: { ...MONITORING, enabled: false } }))).toEqual([]);
    });
});

describe("entra.certificateEndDate", () => {
    const withEnd = (certificateEndDate: string) => base({ connections: [{ ...managed, entra: { ...managed.entra, certificateEndDate } }] });
    const now = new Date("2030-06-01T12:00:00Z");

    it("in the past is refused with today's date and how to fix it", () => {
        const p = problems(withEnd("2029-01-01T00:00:00Z"), now);
        expect(p).toEqual([
            {
                path: "connections[0].entra.certificateEndDate",
                message: expect.stringMatching(/^"2029-01-01T00:00:00Z" is in the past \(today is 2030-06-01\)/),
            },
        ]);
    });

    it("in the future is accepted", () => {
        expect(problems(withEnd("2031-01-01T00:00:00Z"), now)).toEqual([]);
    });

    it("malformed is reported once, as malformed", () => {
        const p = problems(withEnd("soon"), now);
        expect(p).toHaveLength(1);
        expect(p[0].message).not.toContain("in the past");
    });

    it.each([
        ["2031-02-30T00:00:00Z", "a day February does not have (Date.parse rolls it over to March 2)"],
        ["2031-01-01T00:00", "no offset (Date.parse reads it as local time)"],
        ["2031-01-01", "a date without a time"],
        ["2031-01-01T24:00:00Z", "hour 24"],
        ["2031-01-01 00:00:00Z", "a space for the T"],
    ])("refuses %s: %s", (value) => {
        expect(problems(withEnd(value), now)).toEqual([
            { path: "connections[0].entra.certificateEndDate", message: `"${value}" is not an RFC 3339 date-time such as 2029-01-01T00:00:00Z.` },
        ]);
    });

    it.each(["2031-02-28T23:59:59Z", "2032-02-29T00:00:00+01:00", "2031-06-30T12:00:00.125-07:30"])("accepts %s", (value) => {
        expect(problems(withEnd(value), now)).toEqual([]);
    });
});

describe("PROJECT_CONFIG_KEYS", () => {
    it("are exactly the keys readRawConfig reads in our namespace, so a new key cannot be reported as unknown", async () => {
        const { simulate } = await import("../tools/plan/simulation");
        const { readRawConfig } = await import("../components/stack");
        await simulate({ config: Object.fromEntries(PROJECT_CONFIG_KEYS.map((k) => [`auth0-entra-scim:${k}`, `value-of-${k}`])) });
        const raw = readRawConfig() as Record<string, unknown>;
        for (const k of PROJECT_CONFIG_KEYS) expect(raw[k], k).toBe(`value-of-${k}`);
        expect(raw.configKeys).toEqual(PROJECT_CONFIG_KEYS.map((k) => `auth0-entra-scim:${k}`));
        // The other direction: every key the source reads from the project's config is in the list.
        const source = fs.readFileSync(path.join(__dirname, "..", "components", "stack.ts"), "utf8");
        const read = [...source.matchAll(/(?:get\(project, |project\.get\()"(\w+)"/g)].map((m) => m[1]);
        expect(read.sort()).toEqual([...PROJECT_CONFIG_KEYS].sort());
    });
});
