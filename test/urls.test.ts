import { describe, it, expect } from "vitest";
import { entraFederationMetadataUrl, entraSamlEndpoint, entraTenantUrl, samlEntityId, samlReplyUrl, scimEndpointUrl } from "../components/helpers/urls";
import { auth0SigningCert, toPemCertificate } from "../components/helpers/certificates";
import { syncNotificationSettings, synchronizationJobIdFromResourceId } from "../components/3-entra-provisioning/provisioningSettings";
import { DEFAULT_ACCESS_ROLE_ID, assignmentRoleId } from "../components/1-entra-app/assignments";

describe("URLs", () => {
    it("builds Auth0's SCIM endpoint on the canonical domain", () => {
        expect(scimEndpointUrl("acme.eu.auth0.com", "con_Hvg6w4PSvAVOoCJ2")).toBe("https://acme.eu.auth0.com/scim/v2/connections/con_Hvg6w4PSvAVOoCJ2");
    });

    it("appends ?aadOptscim062020 exactly once, keeping other parameters", () => {
        const scim = "https://acme.eu.auth0.com/scim/v2/connections/con_1";
        expect(entraTenantUrl(scim)).toBe(`${scim}?aadOptscim062020`);
        expect(entraTenantUrl(`${scim}?aadOptscim062020`)).toBe(`${scim}?aadOptscim062020`);
        expect(entraTenantUrl(`${scim}?x=1`)).toBe(`${scim}?x=1&aadOptscim062020`);
    });

    it("builds the SAML identifiers Entra is given", () => {
        expect(samlEntityId("acme", "contoso-entra")).toBe("urn:auth0:acme:contoso-entra");
        expect(samlReplyUrl("login.acme.example", "contoso-entra")).toBe("https://login.acme.example/login/callback?connection=contoso-entra");
        expect(entraSamlEndpoint("72f988bf-86f1-41af-91ab-2d7cd011db47")).toBe("https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/saml2");
        expect(entraFederationMetadataUrl("t", "c")).toBe("https://login.microsoftonline.com/t/federationmetadata/2007-06/federationmetadata.xml?appid=c");
    });
});

describe("PEM certificates", () => {
    const body = Buffer.from("x".repeat(150)).toString("base64");

    it("wraps azuread's base64 body at 64 characters between PEM markers, each line ending in a line break", () => {
        const pem = toPemCertificate(body);
        expect(pem.endsWith("-----END CERTIFICATE-----\n")).toBe(true);
        const lines = pem.split("\n").slice(0, -1);
        expect(lines[0]).toBe("-----BEGIN CERTIFICATE-----");
        expect(lines.at(-1)).toBe("-----END CERTIFICATE-----");
        expect(lines.slice(1, -1).every((l) => l.length <= 64)).toBe(true);
        expect(lines.slice(1, -1).join("")).toBe(body);
    });

    it("gives Auth0 base64 of the whole PEM text, as Auth0's own answer shows it", () => {
        // The prefix of the encoded example in Auth0's community answer "options.signingCert format for SAML connections".
        expect(auth0SigningCert(toPemCertificate("MIIDajCCAlICCQDoaf3hWk19ozANBgkqhkiG9w0BAQsFADB3"))).toMatch(/^LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSURh/);
    });

    it("accepts an existing PEM, even unwrapped or with CRLF, and gives the same PEM", () => {
        const pem = toPemCertificate(body);
        expect(toPemCertificate(pem.replace(/\n/g, "\r\n"))).toBe(pem);
        expect(toPemCertificate(`-----BEGIN CERTIFICATE-----${body}-----END CERTIFICATE-----`)).toBe(pem);
    });

    it("rejects what is not base64", () => {
        expect(() => toPemCertificate("")).toThrow(/not base64/);
        expect(() => toPemCertificate("not a cert!")).toThrow(/not base64/);
    });
});

describe("provisioning settings and ids", () => {
    it("encodes notification and deletion-threshold settings", () => {
        expect(JSON.parse(syncNotificationSettings({ notificationEmails: [], deletionThreshold: undefined }))).toEqual({
            Enabled: false,
            Recipients: "",
            DeleteThresholdEnabled: false,
        });
        expect(JSON.parse(syncNotificationSettings({ notificationEmails: ["a@x.example", "b@x.example"], deletionThreshold: 500 }))).toEqual({
            Enabled: true,
            Recipients: "a@x.example;b@x.example",
            DeleteThresholdEnabled: true,
            DeleteThresholdValue: 500,
        });
    });

    it("takes Graph's job id from azuread's resource id", () => {
        expect(synchronizationJobIdFromResourceId("/servicePrincipals/1c4c/synchronization/jobs/scim.72f9.abcd")).toBe("scim.72f9.abcd");
        expect(() => synchronizationJobIdFromResourceId("scim.72f9.abcd")).toThrow(/unexpected/);
    });

    it("assigns the app's User role, else Default Access", () => {
        const role = (displayName: string, id: string, enabled = true, types = ["User"]) => ({
            allowedMemberTypes: types,
            description: "",
            displayName,
            enabled,
            id,
            value: "",
        });
        expect(assignmentRoleId([role("msiam_access", "b9"), role("User", "18d1")])).toBe("18d1");
        expect(assignmentRoleId([role("User", "18d1", false)])).toBe(DEFAULT_ACCESS_ROLE_ID);
        expect(assignmentRoleId([role("User", "18d1", true, ["Application"])])).toBe(DEFAULT_ACCESS_ROLE_ID);
        expect(assignmentRoleId(undefined)).toBe(DEFAULT_ACCESS_ROLE_ID);
    });
});
