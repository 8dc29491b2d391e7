// Bad input for the B2B keys: each problem is reported with its config path, and nothing is declared.
import { describe, it, expect } from "vitest";
import { ConfigError, parseStackConfig, type RawStackConfig } from "../../components/config";

const CLIENT = "J7KLi9u0fUGTrBds0cZaxx7bZmjeyGaX";
const ORG = "org_bCE84ZIRjtX58FeO";
const PROFILE = { name: "Acme customers", userAttributes: [{ name: "email", description: "Work e-mail", isOptional: false }] };

function problems(raw: RawStackConfig): { path: string; message: string }[] {
    try {
        parseStackConfig(raw);
    } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
    }
    return [];
}

const base = (connection: Record<string, unknown>, extra: Partial<RawStackConfig> = {}): RawStackConfig => ({
    auth0Domain: "acme.eu.auth0.com",
    connections: [{ name: "customer-a", ...connection }],
    ...extra,
});

describe("enabledClients and organizations", () => {
    it("accepts client and organization ids and keeps the organizations' options", () => {
        const s = parseStackConfig(
            base(
                { selfService: {}, enabledClients: [CLIENT], organizations: [{ id: ORG, assignMembershipOnLogin: true, showAsButton: false }] },
                { selfServiceProfile: PROFILE },
            ),
        );
        expect(s.connections[0].enabledClients).toEqual([CLIENT]);
        expect(s.connections[0].organizations).toEqual([{ id: ORG, assignMembershipOnLogin: true, showAsButton: false }]);
    });

    it("names an organization id listed as a client, and a client id listed as an organization", () => {
        const p = problems(base({ saml: { metadataUrl: "https://idp.example/metadata" }, enabledClients: [ORG], organizations: [{ id: CLIENT }] }));
        expect(p.find((x) => x.path === "connections[0].enabledClients[0]")?.message).toContain("that is an organization id");
        expect(p.find((x) => x.path === "connections[0].organizations[0].id")?.message).toContain("client id");
    });

    it("refuses unknown id shapes, duplicates, and sign-up without membership", () => {
        const p = problems(
            base({
                saml: { metadataUrl: "https://idp.example/metadata" },
                enabledClients: ["my-app", CLIENT, CLIENT],
                organizations: [{ id: "acme" }, { id: ORG, isSignupEnabled: true }, { id: ORG }],
            }),
        );
        const paths = p.map((x) => x.path);
        expect(paths).toContain("connections[0].enabledClients[0]");
        expect(p.find((x) => x.path === "connections[0].enabledClients[2]")?.message).toContain("duplicate");
        expect(paths).toContain("connections[0].organizations[0].id");
        expect(paths).toContain("connections[0].organizations[1].isSignupEnabled");
        expect(p.find((x) => x.path === "connections[0].organizations[2].id")?.message).toContain("duplicate");
    });
});

describe("selfService", () => {
    it("is an error together with entra or saml, each with its path", () => {
        const p = problems(
            base(
                { selfService: {}, saml: { metadataUrl: "https://idp.example/metadata" }, entra: { tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47" } },
                { selfServiceProfile: PROFILE },
            ),
        );
        expect(p.find((x) => x.path === "connections[0].saml")?.message).toContain("together with selfService");
        expect(p.find((x) => x.path === "connections[0].entra")?.message).toContain("together with selfService");
    });

    it("needs the self-service profile, and a profile offering samlp", () => {
        expect(problems(base({ selfService: {} })).find((x) => x.path === "selfServiceProfile")?.message).toContain("customer-a");
        const p = problems(base({ selfService: {} }, { selfServiceProfile: { ...PROFILE, allowedStrategies: ["oidc"] } }));
        expect(p.map((x) => x.path)).toEqual(["selfServiceProfile.allowedStrategies"]);
    });

    it("refuses connection options the admin's flow owns, token rotation, and discovery without one organization", () => {
        const p = problems(
            base(
                {
                    selfService: { domainVerification: "required", useForOrganizationDiscovery: true },
                    domainAliases: ["acme.example"],
                    setUserRootAttributes: "on_first_login",
                    scim: { tokenRotationDays: 30, tokenLifetimeDays: 90 },
                },
                { selfServiceProfile: PROFILE },
            ),
        );
        expect(p.map((x) => x.path).sort()).toEqual([
            "connections[0].domainAliases",
            "connections[0].scim.tokenRotationDays",
            "connections[0].selfService.useForOrganizationDiscovery",
            "connections[0].setUserRootAttributes",
        ]);
    });

    it("needs domain verification for pending domains", () => {
        const p = problems(base({ selfService: { pendingDomains: ["acme.example"] } }, { selfServiceProfile: PROFILE }));
        expect(p.map((x) => x.path)).toEqual(["connections[0].selfService.pendingDomains"]);
    });
});
