import { describe, it, expect } from "vitest";
import {
    ConfigError,
    type ConfigProblem,
    DEFAULT_SCIM_MAPPINGS,
    GROUP_TOKEN_SCOPES,
    type RawStackConfig,
    USER_TOKEN_SCOPES,
    WORK_EMAIL_SCIM,
    CONNECTION_KEYS,
    type ScimMapping,
    knownKeys,
    mergeScimMappings,
    parseScimConnectionArgs,
    type ScimConnectionArgs,
    parseStackConfig,
    tenantNameFromDomain,
} from "../components/config";
import { generateStackConfig } from "../tools/bench/generate";
import * as fs from "node:fs";
import * as path from "node:path";

/** A real self-signed certificate (public part only), as an IdP's metadata would carry it. */
const CERT_PEM = fs.readFileSync(path.join(__dirname, "fixtures", "saml-signing-cert.pem"), "utf8");
/** What Auth0's dashboard stores and the Management API must be sent: base64 of the whole PEM text. */
const CERT_FOR_AUTH0 = Buffer.from(CERT_PEM, "utf8").toString("base64");

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const USER = "6f1c1c1e-2a8b-4f4e-9a57-0d3b9c1f2e11";
const GROUP = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";

function base(connections: unknown, extra: Partial<RawStackConfig> = {}): RawStackConfig {
    return { auth0Domain: "acme.eu.auth0.com", entraTenantId: TENANT, connections, ...extra };
}

function problems(raw: RawStackConfig): ConfigProblem[] {
    try {
        parseStackConfig(raw);
    } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).problems;
    }
    throw new Error("expected a ConfigError");
}

function paths(raw: RawStackConfig): string[] {
    return problems(raw).map((p) => p.path);
}

describe("defaults", () => {
    it("fills the walkthrough's settings for a managed connection", () => {
        const s = parseStackConfig(base([{ name: "contoso", entra: { assignments: { users: [USER] } } }]));
        const c = s.connections[0];
        expect(s.auth0TenantName).toBe("acme");
        expect(c.setUserRootAttributes).toBe("on_first_login");
        expect(c.scim.userIdAttribute).toBe("userName");
        expect(c.scim.tokenScopes).toEqual([...USER_TOKEN_SCOPES]);
        expect(c.scim.mappings).toContainEqual({ scim: WORK_EMAIL_SCIM, auth0: "email" });
        expect(c.scim.mappings.some((m) => m.scim === "emails[primary eq true].value")).toBe(false);
        expect(c.scim.tokenLifetimeDays).toBeUndefined();
        expect(c.entra).toMatchObject({
            appName: "Auth0 contoso",
            tenantId: TENANT,
            tenantIdFromConnection: false,
            provisionGroups: false,
            provisioningEnabled: true,
            emailMatchingPrecedence: 2,
            notificationEmails: [],
            attributeMappings: [],
            assignments: { users: [USER], groups: [] },
        });
    });

    it("adds the four group scopes only when groups are provisioned", () => {
        const s = parseStackConfig(
            base([
                { name: "c1", entra: { provisionGroups: true } },
                { name: "c2", entra: { provisionGroups: false } },
            ]),
        );
        expect(s.connections[0].scim.tokenScopes).toEqual([...USER_TOKEN_SCOPES, ...GROUP_TOKEN_SCOPES]);
        expect(s.connections[1].scim.tokenScopes).toEqual([...USER_TOKEN_SCOPES]);
    });

    it("accepts Pulumi's string scalars for booleans and numbers", () => {
        const s = parseStackConfig(base([{ name: "c", entra: { provisionGroups: "true", deletionThreshold: "50", notificationEmails: ["ops@x.example"] } }]));
        expect(s.connections[0].entra?.provisionGroups).toBe(true);
        expect(s.connections[0].entra?.deletionThreshold).toBe(50);
    });

    it("merges configured SCIM mappings over the defaults by SCIM attribute", () => {
        const merged = mergeScimMappings(DEFAULT_SCIM_MAPPINGS, [
            { scim: "title", auth0: "app_metadata.job" },
            { scim: "nickName", auth0: "app_metadata.nick" },
        ]);
        expect(merged).toHaveLength(DEFAULT_SCIM_MAPPINGS.length);
        expect(merged.find((m) => m.scim === "title")?.auth0).toBe("app_metadata.job");
        expect(merged.find((m) => m.scim === "nickName")?.auth0).toBe("app_metadata.nick");
        const added = mergeScimMappings(DEFAULT_SCIM_MAPPINGS, [{ scim: "urn:x:custom", auth0: "app_metadata.custom" }]);
        expect(added.at(-1)).toEqual({ scim: "urn:x:custom", auth0: "app_metadata.custom" });
    });

    it("derives the tenant name from canonical domains only", () => {
        expect(tenantNameFromDomain("acme.auth0.com")).toBe("acme");
        expect(tenantNameFromDomain("acme.us.auth0.com")).toBe("acme");
        expect(tenantNameFromDomain("login.acme.example")).toBeUndefined();
        expect(paths({ ...base([{ name: "c", entra: {} }]), auth0Domain: "login.acme.example" })).toEqual(["tenantName"]);
        expect(parseStackConfig({ ...base([{ name: "c", entra: {} }]), auth0Domain: "login.acme.example", tenantName: "acme" }).auth0TenantName).toBe("acme");
    });

    it("keeps an Auth0-only connection's SAML settings", () => {
        const s = parseStackConfig(
            base([{ name: "c", saml: { signInEndpoint: "https://idp.example/saml2", signingCert: CERT_PEM } }], { entraTenantId: undefined }),
        );
        expect(s.connections[0].entra).toBeUndefined();
        expect(s.connections[0].saml).toMatchObject({ signInEndpoint: "https://idp.example/saml2", signingCert: CERT_FOR_AUTH0 });
    });
});

describe("bad input: every problem, each with its config path", () => {
    it("reports missing and malformed names", () => {
        expect(paths(base([{ displayName: "x", entra: {} }]))).toEqual(["connections[0].name"]);
        for (const bad of ["-lead", "trail-", "has space", "under_score", "x".repeat(129)]) {
            const p = problems(base([{ name: bad, entra: {} }]));
            expect(p.map((x) => x.path)).toEqual(["connections[0].name"]);
            expect(p[0].message).toMatch(/letters, digits and '-'/);
        }
        expect(paths(base([{ name: 42, entra: {} }]))).toEqual(["connections[0].name"]);
    });

    it("reports duplicate connection names case-insensitively, naming the first", () => {
        const p = problems(
            base([
                { name: "Contoso", entra: { appName: "a" } },
                { name: "contoso", entra: { appName: "b" } },
            ]),
        );
        expect(p).toHaveLength(1);
        expect(p[0].path).toBe("connections[1].name");
        expect(p[0].message).toContain("connections[0]");
    });

    it("reports unknown token scopes and the user scopes Entra needs", () => {
        const p = problems(base([{ name: "c", scim: { tokenScopes: ["get:users", "read:users"] }, entra: {} }]));
        expect(p.map((x) => x.path)).toEqual(["connections[0].scim.tokenScopes[1]", "connections[0].scim.tokenScopes"]);
        expect(p[0].message).toContain('unknown token scope "read:users"');
        expect(p[1].message).toContain("post:users patch:users delete:users");
    });

    it("reports group scopes without group provisioning, and the reverse", () => {
        const all = [...USER_TOKEN_SCOPES, ...GROUP_TOKEN_SCOPES];
        const without = problems(base([{ name: "c", scim: { tokenScopes: all }, entra: { provisionGroups: false } }]));
        expect(without.map((x) => x.path)).toEqual(["connections[0].scim.tokenScopes"]);
        expect(without[0].message).toContain("entra.provisionGroups is false");
        const reverse = problems(base([{ name: "c", scim: { tokenScopes: [...USER_TOKEN_SCOPES] }, entra: { provisionGroups: true } }]));
        expect(reverse.map((x) => x.path)).toEqual(["connections[0].scim.tokenScopes"]);
        expect(reverse[0].message).toContain("lacks get:groups post:groups patch:groups delete:groups");
    });

    it("reports object ids that are not GUIDs and duplicate assignments", () => {
        const p = problems(
            base([
                {
                    name: "c",
                    entra: { assignments: { users: [USER, USER.toUpperCase(), "alice@contoso.example"], groups: ["Sales", USER] } },
                },
            ]),
        );
        expect(p.map((x) => x.path)).toEqual([
            "connections[0].entra.assignments.users[1]",
            "connections[0].entra.assignments.users[2]",
            "connections[0].entra.assignments.groups[0]",
            "connections[0].entra.assignments.groups[1]",
        ]);
        expect(p[0].message).toContain("duplicate of connections[0].entra.assignments.users[0]");
        expect(p[1].message).toContain("is not an Entra object id");
        expect(p[3].message).toContain("also listed in connections[0].entra.assignments.users");
    });

    it("reports mappings without scim or auth0, and any that removes the work-email pair", () => {
        const p = problems(
            base([
                {
                    name: "c",
                    scim: { mappings: [{ scim: "title" }, { auth0: "x" }, { scim: WORK_EMAIL_SCIM, auth0: "app_metadata.mail" }, "nope"] },
                    entra: {},
                },
            ]),
        );
        expect(p.map((x) => x.path)).toEqual([
            "connections[0].scim.mappings[0].auth0",
            "connections[0].scim.mappings[1].scim",
            "connections[0].scim.mappings[2].auth0",
            "connections[0].scim.mappings[3]",
        ]);
        expect(p[2].message).toContain('must stay "email"');
    });

    it("reports a userIdAttribute without a mapping", () => {
        expect(paths(base([{ name: "c", scim: { userIdAttribute: "employeeId" }, entra: {} }]))).toEqual(["connections[0].scim.userIdAttribute"]);
    });

    it("reports a managed Entra block without a tenant id, and malformed tenant ids", () => {
        const p = problems(base([{ name: "c", entra: {} }], { entraTenantId: undefined }));
        expect(p.map((x) => x.path)).toEqual(["connections[0].entra.tenantId"]);
        expect(p[0].message).toContain("azuread:tenantId");
        // The malformed default is the one problem: "set azuread:tenantId or ARM_TENANT_ID" would mislead there.
        expect(paths(base([{ name: "c", entra: {} }], { entraTenantId: "contoso.onmicrosoft.com" }))).toEqual(["azuread:tenantId"]);
        // A connection's own tenant makes the stack tenant unnecessary.
        expect(
            parseStackConfig(base([{ name: "c", entra: { tenantId: TENANT } }], { entraTenantId: undefined })).connections[0].entra?.tenantIdFromConnection,
        ).toBe(true);
    });

    it("reports an Auth0-only connection without SAML settings, or with both kinds", () => {
        expect(paths(base([{ name: "c" }]))).toEqual(["connections[0].saml"]);
        expect(paths(base([{ name: "c", saml: { signInEndpoint: "https://idp.example/saml2" } }]))).toEqual(["connections[0].saml.signingCert"]);
        expect(paths(base([{ name: "c", saml: { metadataUrl: "https://idp.example/md", signingCert: CERT_PEM } }]))).toEqual(["connections[0].saml"]);
        expect(paths(base([{ name: "c", saml: { metadataUrl: "http://idp.example/md" } }]))).toEqual(["connections[0].saml.metadataUrl"]);
        expect(paths(base([{ name: "c", entra: {}, saml: { metadataUrl: "https://idp.example/md" } }]))).toEqual(["connections[0].saml"]);
    });

    it("reports wrong types and unknown keys", () => {
        const p = problems(
            base([
                {
                    name: "c",
                    scim: { tokenScopes: "get:users", tokenLifetimeDays: "ninety" },
                    entra: { provisionGroups: "yes", assignments: { users: USER }, notificationEmails: ["not-an-email"], provisionGroup: true },
                },
            ]),
        );
        expect(p.map((x) => x.path)).toEqual([
            "connections[0].scim.tokenScopes",
            "connections[0].scim.tokenLifetimeDays",
            "connections[0].entra.provisionGroup",
            "connections[0].entra.assignments.users",
            "connections[0].entra.provisionGroups",
            "connections[0].entra.notificationEmails[0]",
        ]);
        expect(p[2].message).toContain("unknown key");
        expect(paths(base({ name: "c" }))).toEqual(["connections"]);
        expect(paths(base(undefined))).toEqual(["connections"]);
        expect(paths(base([]))).toEqual(["connections"]);
        expect(paths(base([null]))).toEqual(["connections[0]"]);
    });

    it("reports a rotation that is not shorter than the lifetime", () => {
        const p = problems(base([{ name: "c", scim: { tokenLifetimeDays: 90, tokenRotationDays: 90 }, entra: {} }]));
        expect(p.map((x) => x.path)).toEqual(["connections[0].scim.tokenRotationDays"]);
        expect(p[0].message).toContain("must be shorter than scim.tokenLifetimeDays (90)");
    });

    it("reports missing and malformed provider keys", () => {
        expect(paths({ connections: [{ name: "c", entra: {} }], entraTenantId: TENANT })).toEqual(["auth0:domain"]);
        expect(paths(base([{ name: "c", entra: {} }], { auth0Domain: "https://acme.auth0.com" }))).toEqual(["auth0:domain"]);
        expect(paths(base([{ name: "c", entra: {} }], { customDomain: "https://login.example" }))).toEqual(["customDomain"]);
    });

    it("reports provision-on-demand subjects that are not assigned", () => {
        const p = problems(
            base([
                {
                    name: "c",
                    entra: { assignments: { users: [USER] }, provisionOnDemand: { users: ["11111111-2222-4333-8444-555555555555"], groups: [GROUP] } },
                },
            ]),
        );
        expect(p.map((x) => x.path)).toEqual([
            "connections[0].entra.provisionOnDemand.users[0]",
            "connections[0].entra.provisionOnDemand.groups[0]",
            "connections[0].entra.provisionOnDemand.groups[0]",
        ]);
    });

    it("reports matching precedence clashes and Entra mapping mistakes", () => {
        const p = problems(
            base([
                {
                    name: "c",
                    entra: {
                        emailMatchingPrecedence: 3,
                        attributeMappings: [
                            { targetAttributeName: "externalId", source: "objectId", matchingPriority: 3 },
                            { targetAttributeName: "title", source: "jobTitle", sourceType: "Function" },
                            { targetAttributeName: "title", source: "department" },
                            { source: "x" },
                        ],
                    },
                },
            ]),
        );
        expect(p.map((x) => x.path)).toEqual([
            "connections[0].entra.attributeMappings[1].sourceType",
            "connections[0].entra.attributeMappings[2]",
            "connections[0].entra.attributeMappings[3].targetAttributeName",
            "connections[0].entra.attributeMappings[0].matchingPriority",
        ]);
    });

    it("treats a target in another case or in the other vendor's spelling as the same attribute, as the schema does", () => {
        const dept = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
        const p = problems(
            base([
                {
                    name: "c",
                    entra: {
                        attributeMappings: [
                            { targetAttributeName: "title", source: "jobTitle" },
                            { targetAttributeName: "Title", source: "department" },
                            { targetAttributeName: `${dept}.department`, source: "department" },
                            { targetAttributeName: `${dept}:department`, source: "companyName" },
                            { targetAttributeName: 'Emails[type eq "work"].value', source: "userPrincipalName" },
                        ],
                    },
                },
            ]),
        );
        expect(p.map((x) => [x.path, x.message.split(";")[0]])).toEqual([
            ["connections[0].entra.attributeMappings[1]", 'maps User "Title" again (also connections[0].entra.attributeMappings[0])'],
            ["connections[0].entra.attributeMappings[3]", `maps User "${dept}:department" again (also connections[0].entra.attributeMappings[2])`],
            ["connections[0].entra.attributeMappings[4].matchingPriority", 'is required when overriding emails[type eq "work"].value'],
        ]);
    });

    it("collects problems across connections and keys in one error, and the message names each path", () => {
        try {
            parseStackConfig({
                connections: [
                    { name: "ok", entra: {} },
                    { name: "bad name", entra: { assignments: { groups: ["x"] } } },
                ],
            });
            throw new Error("expected a ConfigError");
        } catch (err) {
            const e = err as ConfigError;
            expect(e.problems.map((p) => p.path)).toEqual([
                "auth0:domain",
                "connections[0].entra.tenantId",
                "connections[1].name",
                "connections[1].entra.tenantId",
                "connections[1].entra.assignments.groups[0]",
            ]);
            expect(e.message.split("\n")[0]).toBe("Invalid stack configuration: 5 problems; nothing was registered.");
            for (const p of e.problems) expect(e.message).toContain(`  - ${p.path}: `);
        }
    });

    it("validates monitoring only when it is enabled", () => {
        expect(parseStackConfig(base([{ name: "c", entra: {} }], { monitoring: { enabled: false } })).monitoring).toBeUndefined();
        expect(paths(base([{ name: "c", entra: {} }], { monitoring: { enabled: true, logAnalyticsWorkspaceId: "ws" } }))).toEqual([
            "monitoring.resourceGroupName",
            "monitoring.location",
            "monitoring.logAnalyticsWorkspaceId",
            "monitoring.alertEmails",
        ]);
        const ok = parseStackConfig(
            base([{ name: "c", entra: {} }], {
                monitoring: { enabled: true, resourceGroupName: "rg", location: "westeurope", alertEmails: ["ops@x.example"] },
            }),
        );
        expect(ok.monitoring).toEqual({
            resourceGroupName: "rg",
            location: "westeurope",
            alertEmails: ["ops@x.example"],
            evaluationFrequencyMinutes: 15,
            tenants: [],
            unmonitoredTenants: [],
        });
    });

    const MONITORING = { enabled: true, resourceGroupName: "rg", location: "westeurope", alertEmails: ["ops@x.example"] };

    it("accepts only the evaluation frequencies Azure Monitor accepts, and names the nearest", () => {
        expect(
            parseStackConfig(base([{ name: "c", entra: {} }], { monitoring: { ...MONITORING, evaluationFrequencyMinutes: 45 } })).monitoring
                ?.evaluationFrequencyMinutes,
        ).toBe(45);
        const [p] = problems(base([{ name: "c", entra: {} }], { monitoring: { ...MONITORING, evaluationFrequencyMinutes: 7 } }));
        expect(p.path).toBe("monitoring.evaluationFrequencyMinutes");
        expect(p.message).toMatch(/must be one of 5, 10, 15, 30, 45, 60, 120, 180, 240, 300, 360, 1440 .*got 7, use 10\./);
        // Out of range is reported once, by the range check.
        expect(paths(base([{ name: "c", entra: {} }], { monitoring: { ...MONITORING, evaluationFrequencyMinutes: 2 } }))).toEqual([
            "monitoring.evaluationFrequencyMinutes",
        ]);
    });

    const OTHER = "11111111-2222-4333-8444-555555555555";
    const SUB = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
    const auth0Only = { name: "p", saml: { metadataUrl: "https://idp.example/metadata.xml" } };
    const elsewhere = { name: "e", entra: { tenantId: OTHER } };

    it("refuses monitoring with nothing to monitor", () => {
        const [p, ...rest] = problems(base([auth0Only], { monitoring: MONITORING }));
        expect(rest).toEqual([]);
        expect(p.path).toBe("monitoring.enabled");
        expect(p.message).toContain(`azuread:tenantId ${TENANT}`);
        // Every other tenant left unmonitored on purpose: still nothing to monitor.
        expect(paths(base([auth0Only, elsewhere], { monitoring: { ...MONITORING, tenants: { [OTHER]: { enabled: false } } } }))).toEqual([
            "monitoring.enabled",
        ]);
        // A connection that names the stack's own tenant (in any letter case) is monitored.
        expect(
            parseStackConfig(base([auth0Only, { name: "own", entra: { tenantId: TENANT.toUpperCase() } }], { monitoring: MONITORING })).monitoring,
        ).toBeDefined();
    });

    it("monitors every other tenant of the connections from its own subscription, inheriting the top-level settings", () => {
        const s = parseStackConfig(
            base([{ name: "own", entra: {} }, elsewhere], {
                monitoring: { ...MONITORING, tenants: { [OTHER.toUpperCase()]: { subscriptionId: SUB, location: "northeurope" } } },
            }),
        );
        expect(s.monitoring?.tenants).toEqual([
            {
                tenantId: OTHER,
                subscriptionId: SUB,
                resourceGroupName: "rg",
                location: "northeurope",
                alertEmails: ["ops@x.example"],
                evaluationFrequencyMinutes: 15,
            },
        ]);
        // enabled: false leaves the tenant out on purpose.
        expect(
            parseStackConfig(base([{ name: "own", entra: {} }, elsewhere], { monitoring: { ...MONITORING, tenants: { [OTHER]: { enabled: false } } } }))
                .monitoring?.tenants,
        ).toEqual([]);
    });

    it("names the tenant monitoring does not cover, and entries that cover nothing", () => {
        const [p] = problems(base([{ name: "own", entra: {} }, elsewhere], { monitoring: MONITORING }));
        expect(p.path).toBe("monitoring.tenants");
        expect(p.message).toContain(`connections e manage apps in tenant ${OTHER}`);
        expect(p.message).toContain(`monitoring.tenants.${OTHER} with the subscriptionId`);
        const stray = "22222222-3333-4444-8555-666666666666";
        expect(
            paths(
                base([{ name: "own", entra: {} }, elsewhere], {
                    monitoring: {
                        ...MONITORING,
                        tenants: { [OTHER]: { subscriptionId: SUB }, [stray]: { subscriptionId: SUB }, [TENANT]: { subscriptionId: SUB } },
                    },
                }),
            ),
        ).toEqual([`monitoring.tenants.${stray}`]);
        // An entry must say something: an empty one would count as covering the tenant while watching nothing.
        const [empty, ...others] = problems(base([{ name: "own", entra: {} }, elsewhere], { monitoring: { ...MONITORING, tenants: { [OTHER]: null } } }));
        expect(others).toEqual([]);
        expect(empty.path).toBe(`monitoring.tenants.${OTHER}`);
        expect(empty.message).toContain("{enabled: false}");
    });

    it("lets an entry for the stack's own tenant replace the top level for it", () => {
        const s = parseStackConfig(
            base([{ name: "own", entra: {} }, elsewhere], {
                monitoring: { ...MONITORING, tenants: { [OTHER]: { subscriptionId: SUB }, [TENANT.toUpperCase()]: { subscriptionId: SUB } } },
            }),
        );
        expect(s.monitoring?.tenants.map((t) => t.tenantId)).toEqual([OTHER, TENANT]);
        // The own tenant opted out and every other tenant too: nothing left to monitor.
        expect(
            paths(
                base([{ name: "own", entra: {} }, elsewhere], {
                    monitoring: { ...MONITORING, tenants: { [OTHER]: { enabled: false }, [TENANT]: { enabled: false } } },
                }),
            ),
        ).toEqual(["monitoring.enabled"]);
        const optedOut = parseStackConfig(
            base([{ name: "own", entra: {} }, elsewhere], {
                monitoring: { ...MONITORING, tenants: { [OTHER]: { subscriptionId: SUB }, [TENANT]: { enabled: false } } },
            }),
        );
        expect(optedOut.monitoring?.unmonitoredTenants).toEqual([TENANT]);
        // Settings kept on a switched-off entry are still checked.
        expect(
            paths(
                base([{ name: "own", entra: {} }, elsewhere], {
                    monitoring: { ...MONITORING, tenants: { [OTHER]: { enabled: false, subscriptionId: "junk", evaluationFrequencyMinutes: 7 } } },
                }),
            ),
        ).toEqual([`monitoring.tenants.${OTHER}.subscriptionId`, `monitoring.tenants.${OTHER}.evaluationFrequencyMinutes`]);
    });

    it("says so when every tenant with connections is switched off", () => {
        const [p, ...rest] = problems(
            base([{ name: "own", entra: {} }, elsewhere], {
                monitoring: { ...MONITORING, tenants: { [OTHER]: { enabled: false }, [TENANT]: { enabled: false } } },
            }),
        );
        expect(rest).toEqual([]);
        expect(p.path).toBe("monitoring.enabled");
        expect(p.message).toContain(`(monitoring.tenants.${TENANT}, monitoring.tenants.${OTHER}: enabled: false)`);
        expect(p.message).not.toContain("give a connection an entra block");
    });

    it("treats null like an unset key: required values are reported, inherited ones inherited", () => {
        // A connection with name: null is reported, not dropped (dropping it would delete it at the next up).
        expect(paths(base([{ name: null, entra: {} }]))).toEqual(["connections[0].name"]);
        expect(paths(base([{ name: "p", entra: null }]))).toEqual(["connections[0].saml"]);
        expect(paths(base([{ name: "c", entra: {} }], { monitoring: { ...MONITORING, resourceGroupName: null } }))).toEqual(["monitoring.resourceGroupName"]);
        const s = parseStackConfig(
            base([{ name: "own", entra: {} }, elsewhere], {
                monitoring: {
                    ...MONITORING,
                    evaluationFrequencyMinutes: 30,
                    tenants: { [OTHER]: { subscriptionId: SUB, alertEmails: null, evaluationFrequencyMinutes: null } },
                },
            }),
        );
        expect(s.monitoring?.tenants[0]).toMatchObject({ alertEmails: ["ops@x.example"], evaluationFrequencyMinutes: 30 });
        expect(paths(base([{ name: "own", entra: {} }, elsewhere], { monitoring: { ...MONITORING, tenants: { [OTHER]: { subscriptionId: null } } } }))).toEqual(
            [`monitoring.tenants.${OTHER}.subscriptionId`],
        );
    });

    it("checks tenant entries even when the top level is incomplete", () => {
        expect(
            paths(
                base([{ name: "own", entra: {} }, elsewhere], {
                    monitoring: { enabled: true, alertEmails: ["ops@x.example"], tenants: { [OTHER]: { subscriptionId: SUB, alertEmails: ["nope"] } } },
                }),
            ),
        ).toEqual(["monitoring.resourceGroupName", "monitoring.location", `monitoring.tenants.${OTHER}.alertEmails[0]`]);
    });

    it("reports a bad top-level value once, not again under each tenant that inherits it", () => {
        expect(
            paths(
                base([{ name: "own", entra: {} }, elsewhere], {
                    monitoring: { ...MONITORING, alertEmails: [], evaluationFrequencyMinutes: 7, tenants: { [OTHER]: { subscriptionId: SUB } } },
                }),
            ),
        ).toEqual(["monitoring.alertEmails", "monitoring.evaluationFrequencyMinutes"]);
    });

    it("validates each tenant entry with its own paths", () => {
        expect(
            paths(
                base([{ name: "own", entra: {} }, elsewhere], {
                    monitoring: {
                        ...MONITORING,
                        tenants: { [OTHER]: { location: "northeurope", alertEmails: ["nope"], evaluationFrequencyMinutes: 7, color: "red" } },
                    },
                }),
            ),
        ).toEqual([
            `monitoring.tenants.${OTHER}.color`,
            `monitoring.tenants.${OTHER}.subscriptionId`,
            `monitoring.tenants.${OTHER}.alertEmails[0]`,
            `monitoring.tenants.${OTHER}.evaluationFrequencyMinutes`,
        ]);
        expect(
            paths(base([{ name: "own", entra: {} }], { monitoring: { ...MONITORING, tenants: { "contoso.onmicrosoft.com": { subscriptionId: SUB } } } })),
        ).toEqual(["monitoring.tenants.contoso.onmicrosoft.com"]);
        expect(
            paths(base([{ name: "own", entra: {} }, elsewhere], { monitoring: { ...MONITORING, tenants: { [OTHER]: { subscriptionId: "sub-1" } } } })),
        ).toEqual([`monitoring.tenants.${OTHER}.subscriptionId`]);
    });

    it("compares tenant ids case-insensitively and keeps their spelling", () => {
        const upper = TENANT.toUpperCase();
        const s = parseStackConfig(
            base(
                [
                    { name: "a", entra: {} },
                    { name: "b", entra: { tenantId: TENANT } },
                ],
                { entraTenantId: upper },
            ),
        );
        // Spelling kept: a changed spelling in a provider's inputs would replace it and everything it manages.
        expect(s.entraTenantId).toBe(upper);
        expect(s.connections.map((c) => c.entra?.tenantId)).toEqual([upper, TENANT]);
        // The same app name in the same tenant, spelt two ways, is still a clash.
        expect(
            paths(
                base(
                    [
                        { name: "a", entra: { appName: "X" } },
                        { name: "b", entra: { appName: "X", tenantId: TENANT.toLowerCase() } },
                    ],
                    { entraTenantId: upper },
                ),
            ),
        ).toEqual(["connections[1].entra.appName"]);
    });
});

describe("the contract's declarations", () => {
    it("take each block's known keys from its declared type", () => {
        // @ts-expect-error a key the type does not declare (tsc fails this file if knownKeys stops refusing it)
        knownKeys<ScimMapping>({ scim: true, auth0: true, extra: true });
        // @ts-expect-error a declared key left out
        knownKeys<ScimMapping>({ scim: true });
        expect(CONNECTION_KEYS).toEqual([
            "name",
            "displayName",
            "setUserRootAttributes",
            "domainAliases",
            "showAsButton",
            "scim",
            "entra",
            "saml",
            "enabledClients",
            "organizations",
            "selfService",
        ]);
    });
});

describe("ScimConnection args", () => {
    it("read each entry of connections to the settings the stack config gives it, for a realistic stack", () => {
        const raw = generateStackConfig(60).raw;
        const withSelfService = [
            ...(raw.connections as unknown[]),
            {
                name: "self-served",
                selfService: { domainVerification: "optional", pendingDomains: ["partner.example"] },
                organizations: [{ id: "org_bCE84ZIRjtX58FeO" }],
            },
        ];
        const selfServiceProfile = { name: "Customers", userAttributes: [{ name: "email", description: "Work e-mail", isOptional: false }] };
        const stack = parseStackConfig({ ...raw, connections: withSelfService, selfServiceProfile });
        expect(stack.connections.filter((c) => c.entra && !c.entra.tenantIdFromConnection).length).toBeGreaterThan(0);
        expect(stack.connections.filter((c) => c.entra?.tenantIdFromConnection).length).toBeGreaterThan(0);
        expect(stack.connections.filter((c) => c.saml?.signingCert).length).toBeGreaterThan(0);
        expect(stack.connections.filter((c) => c.selfService).length).toBe(1);
        stack.connections.forEach((c, i) => {
            const args = {
                auth0Domain: stack.auth0Domain,
                auth0TenantName: stack.auth0TenantName,
                entraTenantId: stack.entraTenantId,
                connection: withSelfService[i] as ScimConnectionArgs["connection"],
                ...(c.selfService ? { selfServiceProfileId: "ssp_stands_in_for_the_profile" } : {}),
            };
            expect(parseScimConnectionArgs(args).connection, c.name).toEqual(c);
        });
    });

    it("name problems by their path in the args", () => {
        try {
            parseScimConnectionArgs({ auth0Domain: "acme.eu.auth0.com", connection: { name: "c", entra: { assignments: { groups: ["Sales"] } } } });
            expect.unreachable();
        } catch (err) {
            expect((err as ConfigError).problems.map((p) => p.path)).toEqual(["connection.entra.tenantId", "connection.entra.assignments.groups[0]"]);
        }
    });

    it("need the self-service profile for a self-service connection, as the stack needs its selfServiceProfile", () => {
        const connection = { name: "c", selfService: {} };
        try {
            parseScimConnectionArgs({ auth0Domain: "acme.eu.auth0.com", connection });
            expect.unreachable();
        } catch (err) {
            expect((err as ConfigError).problems.map((p) => p.path)).toEqual(["selfServiceProfileId"]);
        }
        expect(parseScimConnectionArgs({ auth0Domain: "acme.eu.auth0.com", connection, selfServiceProfileId: "ssp_1" }).connection.selfService).toBeDefined();
    });
});

describe("the IdP signing certificate of an Auth0-only connection", () => {
    const saml = (signingCert: unknown) => base([{ name: "c", saml: { signInEndpoint: "https://idp.example/saml2", signingCert } }]);
    const body = CERT_PEM.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, "");

    it("takes a PEM, base64 of a PEM, or the base64 DER body, and gives Auth0 base64 of the PEM", () => {
        const forms = {
            pem: CERT_PEM,
            pemWithCrlfAndIndent: `  ${CERT_PEM.replace(/\n/g, "\r\n")}`,
            base64OfPem: CERT_FOR_AUTH0,
            base64OfCrlfPem: Buffer.from(CERT_PEM.replace(/\n/g, "\r\n")).toString("base64"),
            derBody: body,
            derBodyWrapped: body.replace(/(.{76})/g, "$1\n"),
        };
        for (const [form, value] of Object.entries(forms)) {
            expect(parseStackConfig(saml(value)).connections[0].saml?.signingCert, form).toBe(CERT_FOR_AUTH0);
        }
    });

    it("refuses what is not one X.509 certificate, naming the path and the accepted forms", () => {
        const notACert = Buffer.from("x".repeat(300)).toString("base64");
        const key = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";
        for (const bad of [
            notACert,
            "MIIBase64==",
            "not base64 at all!",
            key,
            CERT_PEM + CERT_PEM,
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
        ]) {
            const p = problems(saml(bad));
            expect(
                p.map((x) => x.path),
                bad.slice(0, 30),
            ).toEqual(["connections[0].saml.signingCert"]);
            expect(p[0].message).toMatch(/PEM .*base64 of .*PEM.*base64 DER body/);
        }
        const keyProblem = problems(saml(key))[0].message;
        expect(keyProblem).toMatch(/PRIVATE KEY/);
        // A private key pasted by mistake is not repeated in the error output.
        expect(keyProblem).not.toContain("MIIEvQIBADAN");
        expect(problems(saml(CERT_PEM + CERT_PEM))[0].message).toMatch(/2 certificates/);
    });
});
