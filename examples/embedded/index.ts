// A platform team's existing Pulumi program that adds Auth0 inbound SCIM from one customer's Entra ID tenant
// beside its own resources: its portal application in Auth0, and an explicit azuread provider for the customer.
import * as pulumi from "@pulumi/pulumi";
import * as auth0 from "@pulumi/auth0";
import * as azuread from "@pulumi/azuread";
import { ScimConnection } from "auth0-entra-scim";

const config = new pulumi.Config();
const customerTenantId = config.require("customerTenantId");

// The platform's own application: customers sign in to it through their connection.
const portal = new auth0.Client("portal", {
    name: "Customer portal",
    appType: "regular_web",
    callbacks: ["https://portal.example.com/callback"],
});

// The customer's Entra tenant, signed in to with the azuread provider's own settings (see the azuread provider docs).
const customerEntra = new azuread.Provider("contoso-entra", { tenantId: customerTenantId });

// One entry of auth0-entra-scim:connections, the same keys and defaults. Bad args throw before anything is registered.
const contoso = new ScimConnection(
    "contoso",
    {
        auth0Domain: new pulumi.Config("auth0").require("domain"),
        entraTenantId: customerTenantId,
        connection: {
            name: "contoso-entra",
            displayName: "Contoso",
            domainAliases: ["contoso.example"],
            entra: { assignments: { groups: [config.require("contosoGroupId")] }, provisionGroups: true },
            scim: { tokenLifetimeDays: 180, tokenRotationDays: 150 },
        },
    },
    { providers: { azuread: customerEntra } },
);

// The portal may use the connection (adds this one client; other enabled clients stay).
new auth0.ConnectionClient("contoso-portal", { connectionId: contoso.outputs.connectionId, clientId: portal.clientId });

export const contosoScimEndpointUrl = contoso.outputs.scimEndpointUrl;
export const contosoSamlReplyUrl = contoso.outputs.samlReplyUrl;
/** A secret: `pulumi stack output contosoScimToken --show-secrets`. */
export const contosoScimToken = contoso.outputs.scimToken;
