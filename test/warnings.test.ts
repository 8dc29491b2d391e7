// The offline plan's warnings (cli/warnings.ts): valid configs that a reviewer should look at twice.
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { type RawStackConfig, parseStackConfig } from "../components/config";
import { formatWarning, groupWarnings, planWarnings } from "../tools/plan/warnings";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const USER = "6f1c1c1e-2a8b-4f4e-9a57-0d3b9c1f2e11";
const SAML = { metadataUrl: "https://idp.example/federationmetadata.xml" };

function warnings(connections: unknown[]): string[] {
    const raw: RawStackConfig = { auth0Domain: "acme.eu.auth0.com", entraTenantId: TENANT, connections };
    return planWarnings(parseStackConfig(raw));
}

describe("planWarnings", () => {
    it("says nothing extra for a managed connection with an expiring, rotated token and someone assigned", () => {
        const w = warnings([{ name: "c", scim: { tokenLifetimeDays: 180, tokenRotationDays: 120 }, entra: { assignments: { users: [USER] } } }]).filter(
            (x) => !x.includes("signingCert"),
        );
        expect(w).toHaveLength(1);
        expect(w[0]).toMatch(/connections c: the SCIM token expires 180 days after creation.*run `pulumi up` at least every 60 days/);
    });

    it("flags provisioning turned off and an app nobody is assigned to", () => {
        const w = warnings([{ name: "c", scim: { tokenLifetimeDays: 180, tokenRotationDays: 120 }, entra: { provisioningEnabled: false } }]);
        expect(w).toContainEqual(expect.stringMatching(/connections c: provisioning is off/));
        expect(w).toContainEqual(expect.stringMatching(/connections c: nobody is assigned/));
    });

    it("tells that rotating an Auth0-only connection's token breaks the IdP until its admin pastes the new one", () => {
        const w = warnings([{ name: "partner", saml: SAML, scim: { tokenLifetimeDays: 90, tokenRotationDays: 60 } }]);
        const rotation = w.find((x) => x.includes("Auth0-only"));
        expect(rotation).toMatch(/connections partner: Auth0-only .*day 60 creates a new SCIM token and deletes the one the IdP's admin pasted/);
        expect(rotation).toContain("scimToken");
        // A lifetime alone rotates too (at 3/4 of it), so it gets the same warning.
        expect(warnings([{ name: "p", saml: SAML, scim: { tokenLifetimeDays: 120 } }]).some((x) => x.includes("Auth0-only") && x.includes("day 90"))).toBe(
            true,
        );
    });

    it("does not warn about rotation for an Auth0-only token that is never rotated, nor for managed connections", () => {
        expect(warnings([{ name: "p", saml: SAML }]).some((x) => x.includes("Auth0-only"))).toBe(false);
        expect(
            warnings([{ name: "c", scim: { tokenLifetimeDays: 90 }, entra: { assignments: { users: [USER] } } }]).some((x) => x.includes("Auth0-only")),
        ).toBe(false);
    });

    it("names the connections whose Auth0 signingCert changes form, once, as an in-place update", () => {
        const pem = fs.readFileSync(path.join(__dirname, "fixtures", "saml-signing-cert.pem"), "utf8");
        const w = warnings([
            { name: "managed", entra: { assignments: { users: [USER] } } },
            { name: "partner", saml: { signInEndpoint: "https://idp.example/saml2", signingCert: pem } },
            { name: "by-metadata", saml: SAML },
        ]).filter((x) => x.includes("signingCert"));
        expect(w.map((x) => x.split(":")[0])).toEqual(["connections managed", "connections partner"]);
        const grouped = groupWarnings(w).map((g) => formatWarning(g));
        expect(grouped).toHaveLength(1);
        expect(grouped[0]).toMatch(/^connections managed, partner: Auth0's options.signingCert is sent as base64 of the whole PEM/);
        expect(grouped[0]).toContain("updated in place");
        expect(warnings([{ name: "by-metadata", saml: SAML }]).some((x) => x.includes("signingCert"))).toBe(false);
    });

    describe("where the Entra and Auth0 mapping lists do not meet", () => {
        const entra = (attributeMappings: unknown[]) => ({ assignments: { users: [USER] }, attributeMappings });
        const mappingWarnings = (c: Record<string, unknown>) =>
            warnings([{ name: "c", scim: { tokenLifetimeDays: 180, tokenRotationDays: 120, ...(c.scim as object) }, entra: c.entra }]).filter((x) =>
                x.includes("mappings"),
            );

        it("flags an Entra target Auth0 does not map, naming the likely typo", () => {
            expect(mappingWarnings({ entra: entra([{ targetAttributeName: "titel", source: "jobTitle" }]) })).toEqual([
                'connections c: entra.attributeMappings sends "titel" to Auth0, which scim.mappings does not map (did you mean "title"?); ' +
                    'add {scim: "titel", auth0: ...} to scim.mappings, or Auth0 keeps none of it.',
            ]);
            expect(mappingWarnings({ entra: entra([{ targetAttributeName: "urn:acme:badge", source: "extension_badge" }]) })[0]).not.toContain("did you mean");
        });

        it("says nothing when Auth0 maps the target, in either form of an enterprise attribute, or when it is a group's", () => {
            expect(
                mappingWarnings({
                    entra: entra([
                        { targetAttributeName: "title", source: "jobTitle" },
                        { targetAttributeName: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", source: "department" },
                        { targetAttributeName: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.costCenter", source: "companyName" },
                        { targetAttributeName: "externalId", source: "objectId", object: "Group" },
                    ]),
                }),
            ).toEqual([]);
            expect(
                mappingWarnings({
                    scim: { mappings: [{ scim: "urn:acme:badge", auth0: "app_metadata.badge" }] },
                    entra: entra([{ targetAttributeName: "urn:acme:badge", source: "extension_badge" }]),
                }),
            ).toEqual([]);
        });

        it("flags a scim.mappings name a typo away from one of Auth0's defaults, not a custom name", () => {
            expect(mappingWarnings({ scim: { mappings: [{ scim: "titel", auth0: "app_metadata.job_title" }] }, entra: entra([]) })).toEqual([
                'connections c: scim.mappings maps "titel", not one of Auth0\'s default SCIM attributes; did you mean "title"?',
            ]);
            expect(mappingWarnings({ scim: { mappings: [{ scim: "urn:acme:badge", auth0: "app_metadata.badge" }] }, entra: entra([]) })).toEqual([]);
        });
    });

    it("flags put:users and put:groups, which Entra never uses, as more than the token needs", () => {
        const put = warnings([
            {
                name: "c",
                scim: { tokenLifetimeDays: 180, tokenRotationDays: 120, tokenScopes: ["get:users", "post:users", "patch:users", "delete:users", "put:users"] },
                entra: { assignments: { users: [USER] } },
            },
        ]);
        expect(put).toContainEqual(expect.stringMatching(/^connections c: scim.tokenScopes grants put:users, which Entra never uses .*least privilege/));
        const plain = warnings([{ name: "c", scim: { tokenLifetimeDays: 180, tokenRotationDays: 120 }, entra: { assignments: { users: [USER] } } }]);
        expect(plain.some((w) => w.includes("put:"))).toBe(false);
    });
});
