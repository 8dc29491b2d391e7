// The self-service ticket a stack's connection gets, as the auth0 SDK types it. Pure: the stack exports it
// (connections[name].selfService.ticket) and `npm run ticket` sends it with the connection id and a lifetime.
import type { Management } from "auth0";
import type { ScimSettings } from "../config";
import type { SelfServiceSettings } from "../config/selfService";

/** POST /self-service-profiles/{id}/sso-ticket body without what the ticket command adds (connection_id, ttl_sec). */
export type SsoTicketTemplate = Pick<
    Management.CreateSelfServiceProfileSsoTicketRequestContent,
    "enabled_features" | "provisioning_config" | "domain_aliases_config" | "use_for_organization_discovery"
>;

/**
 * Auth0's longest (and default) ticket lifetime: 5 days. Published in Auth0's OpenAPI description of the Management
 * API: CreateSelfServiceProfileSsoTicketRequestContent.ttl_sec has `maximum: 432000` and defaults to 432000 when 0
 * or unset (the auth0 SDK's generated type carries the default only).
 */
export const MAX_TICKET_TTL_SECONDS = 432_000;

/**
 * An edit-connection ticket (connection_id): the stack declared the connection, the admin fills in the IdP side
 * and, with provisioning, generates their own SCIM tokens with the connection's scopes and lifetime.
 * No enabled_clients / enabled_organizations: for an existing connection the stack's own resources own them.
 */
export function ssoTicketTemplate(selfService: SelfServiceSettings, scim: Pick<ScimSettings, "tokenScopes" | "tokenLifetimeDays">): SsoTicketTemplate {
    const verification = selfService.domainVerification !== "none";
    return {
        enabled_features: { sso: selfService.sso, provisioning: selfService.provisioning, domain_verification: verification },
        ...(selfService.provisioning
            ? {
                  provisioning_config: {
                      scopes: scim.tokenScopes as Management.SelfServiceProfileSsoTicketProvisioningScopeEnum[],
                      // Absent: the admin's tokens never expire (Auth0's default), as with the stack's own tokens.
                      ...(scim.tokenLifetimeDays !== undefined ? { token_lifetime: scim.tokenLifetimeDays * 86_400 } : {}),
                  },
              }
            : {}),
        ...(verification
            ? {
                  domain_aliases_config: {
                      domain_verification: selfService.domainVerification,
                      ...(selfService.pendingDomains.length > 0 ? { pending_domains: selfService.pendingDomains } : {}),
                  },
              }
            : {}),
        ...(selfService.useForOrganizationDiscovery !== undefined ? { use_for_organization_discovery: selfService.useForOrganizationDiscovery } : {}),
    };
}
