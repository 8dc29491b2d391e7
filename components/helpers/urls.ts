// URL and identifier builders for both sides of the integration. Pure; the vendors' sources are in docs/walkthrough.md.

/** Microsoft's SCIM 2.0 compliance flag, appended to the tenant URL Entra is given (walkthrough step 6). */
export const AAD_SCIM_FLAG = "aadOptscim062020";

/** Non-gallery ("Integrate any other application you don't find in the gallery") application template. */
export const NON_GALLERY_TEMPLATE_ID = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621";

/** Synchronization job template for non-gallery SCIM apps (`customappsso` is the pre-2018 behaviour). */
export const SCIM_JOB_TEMPLATE_ID = "scim";

/** Auth0's SCIM endpoint for a connection, as its dashboard shows it; always on the canonical domain. */
export function scimEndpointUrl(auth0Domain: string, connectionId: string): string {
    return `https://${auth0Domain}/scim/v2/connections/${encodeURIComponent(connectionId)}`;
}

/** The Tenant URL Entra is given: the SCIM endpoint plus the compliance flag, once. */
export function entraTenantUrl(scimUrl: string): string {
    const url = new URL(scimUrl);
    if (url.searchParams.has(AAD_SCIM_FLAG)) return scimUrl;
    url.search = url.search ? `${url.search}&${AAD_SCIM_FLAG}` : `?${AAD_SCIM_FLAG}`;
    return url.toString();
}

/** Entity id Auth0 presents to the IdP: Entra's "Identifier (Entity ID)". */
export function samlEntityId(tenantName: string, connectionName: string): string {
    return `urn:auth0:${tenantName}:${connectionName}`;
}

/** Auth0's assertion consumer service: Entra's "Reply URL". `?connection=` enables IdP-initiated login. */
export function samlReplyUrl(domain: string, connectionName: string): string {
    return `https://${domain}/login/callback?connection=${encodeURIComponent(connectionName)}`;
}

/** Entra's SAML sign-in (and sign-out) endpoint for a tenant. */
export function entraSamlEndpoint(tenantId: string): string {
    return `https://login.microsoftonline.com/${tenantId}/saml2`;
}

/** Entra's federation metadata for one app. */
export function entraFederationMetadataUrl(tenantId: string, clientId: string): string {
    return `https://login.microsoftonline.com/${tenantId}/federationmetadata/2007-06/federationmetadata.xml?appid=${clientId}`;
}
