// The B2B parts of the stack under Pulumi's mocks: what each new resource receives, and what a self-service
// connection must never declare (options the admin's flow owns, a SCIM token the admin makes).
import { describe, it, expect, beforeAll } from "vitest";
import { type RecordingMonitor, resolve, settle, simulate } from "../../tools/plan/simulation";
import { runStack } from "../../components/stack";
import type { ScimConnectionOutputs } from "../../components/scimConnection";

const CLIENTS = ["J7KLi9u0fUGTrBds0cZaxx7bZmjeyGaX", "PYqIqCt5isE3KnmezyA8CbN5VpczqFfP"];
const ORG = "org_bCE84ZIRjtX58FeO";
const T = {
    connection: "auth0:index/connection:Connection",
    scimConfig: "auth0:index/connectionScimConfiguration:ConnectionScimConfiguration",
    token: "pulumi-nodejs:dynamic/auth0-entra-scim:ScimToken",
    profile: "auth0:index/selfServiceProfile:SelfServiceProfile",
    clients: "auth0:index/connectionClients:ConnectionClients",
    org: "auth0:index/organizationConnection:OrganizationConnection",
};

let monitor: RecordingMonitor;
let outputs: Record<string, ScimConnectionOutputs>;

beforeAll(async () => {
    monitor = await simulate();
    outputs = runStack({
        auth0Domain: "acme.eu.auth0.com",
        selfServiceProfile: {
            name: "Acme customers",
            allowedStrategies: ["samlp", "waad"],
            branding: { logoUrl: "https://acme.example/logo.png", colors: { primary: "#0059d6" } },
            userAttributes: [{ name: "email", description: "Work e-mail", isOptional: false }],
        },
        connections: [
            {
                name: "customer-a",
                displayName: "Customer A",
                selfService: { domainVerification: "optional", pendingDomains: ["customer-a.example"] },
                scim: { tokenLifetimeDays: 90 },
                enabledClients: CLIENTS,
                organizations: [{ id: ORG, assignMembershipOnLogin: true, showAsButton: true }],
            },
            { name: "customer-b", saml: { metadataUrl: "https://idp.customer-b.example/metadata" }, organizations: [{ id: ORG }] },
        ],
    });
    await settle();
});

describe("a self-service connection", () => {
    it("declares a samlp connection without options, so no update can erase what the admin set", () => {
        const c = monitor.ofType(T.connection).find((r) => r.inputs.name === "customer-a");
        expect(c?.inputs).toEqual({ name: "customer-a", displayName: "Customer A", strategy: "samlp", showAsButton: true });
        expect(c?.ignoreChanges).toEqual([]);
    });

    it("declares the SCIM configuration but no token: the admin generates their own", () => {
        const scim = monitor.ofType(T.scimConfig);
        expect(scim).toHaveLength(2);
        const tokens = monitor.ofType(T.token);
        expect(tokens).toHaveLength(1);
        expect(tokens[0].name).toContain("customer-b");
        expect(outputs["customer-a"].scimToken).toBeUndefined();
    });

    it("exports the profile id and the ticket body with the connection's scopes and token lifetime", async () => {
        const profile = monitor.ofType(T.profile);
        expect(profile).toHaveLength(1);
        expect(profile[0].inputs).toMatchObject({
            name: "Acme customers",
            branding: { logoUrl: "https://acme.example/logo.png", colors: { primary: "#0059d6" } },
        });
        const ss = outputs["customer-a"].selfService;
        expect((await resolve(ss?.profileId ?? "")).value).toBe(profile[0].id);
        expect(ss?.ticket).toEqual({
            enabled_features: { sso: true, provisioning: true, domain_verification: true },
            provisioning_config: { scopes: ["get:users", "post:users", "patch:users", "delete:users"], token_lifetime: 90 * 86_400 },
            domain_aliases_config: { domain_verification: "optional", pending_domains: ["customer-a.example"] },
        });
    });
});

describe("applications and organizations", () => {
    it("enables the listed clients on the connection, and nothing for a connection that lists none", () => {
        const lists = monitor.ofType(T.clients);
        expect(lists).toHaveLength(1);
        const a = monitor.ofType(T.connection).find((r) => r.inputs.name === "customer-a");
        expect(lists[0].inputs).toEqual({ connectionId: a?.id, enabledClients: CLIENTS });
    });

    it("links each organization to its connection with the configured options only", () => {
        const links = monitor.ofType(T.org);
        const byConnection = new Map(monitor.ofType(T.connection).map((c) => [c.id, c.inputs.name]));
        expect(links.map((l) => [byConnection.get(String(l.inputs.connectionId)), l.inputs]).sort()).toEqual([
            ["customer-a", { connectionId: expect.any(String), organizationId: ORG, assignMembershipOnLogin: true, showAsButton: true }],
            ["customer-b", { connectionId: expect.any(String), organizationId: ORG }],
        ]);
    });
});
