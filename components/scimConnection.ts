import * as pulumi from "@pulumi/pulumi";
import type * as azuread from "@pulumi/azuread";
import type { ConnectionSettings, StackSettings } from "./config";
import { Auth0ScimConnection, type Auth0SamlIdentityProvider } from "./2-auth0-connection/auth0ScimConnection";
import { EntraSamlApplication } from "./1-entra-app/entraSamlApplication";
import { EntraScimProvisioning } from "./3-entra-provisioning/entraScimProvisioning";
import { entraTenantUrl, samlEntityId, samlReplyUrl } from "./helpers/urls";
import { declareConnectionAccess } from "./2-auth0-connection/connectionAccess";
import { SelfServiceConnection } from "./self-service/selfServiceConnection";
import type { SsoTicketTemplate } from "./self-service/ticketRequest";

export interface ScimConnectionArgs {
    settings: ConnectionSettings;
    stack: Pick<StackSettings, "auth0Domain" | "auth0TenantName" | "customDomain">;
    /** azuread provider for the connection's own Entra tenant; absent = the stack's default provider. */
    azureadProvider?: azuread.Provider;
    /** The stack's self-service profile; a self-service connection's tickets are issued from it. */
    selfServiceProfileId?: pulumi.Output<string>;
}

/** What other tools read per connection (the `connections` stack output). */
export interface ScimConnectionOutputs {
    connectionId: pulumi.Output<string>;
    scimEndpointUrl: pulumi.Output<string>;
    entraTenantUrl: pulumi.Output<string>;
    /** The stack's SCIM token (a secret); absent for a self-service connection, whose admin makes their own. */
    scimToken?: pulumi.Output<string>;
    scimTokenScopes?: string[];
    /** When the SCIM token expires; undefined for a token that never expires. */
    scimTokenValidUntil?: pulumi.Output<string | undefined>;
    /** When the next `pulumi up` rotates the token; undefined when it is never rotated. */
    scimTokenRotateAfter?: pulumi.Output<string | undefined>;
    /** A self-service connection: the profile and the ticket body `npm run ticket` sends. */
    selfService?: { profileId?: pulumi.Output<string>; ticket: SsoTicketTemplate };
    /** Provisioning status the stack declares (verify uses it to tell a paused job from a broken one). */
    provisioningEnabled?: boolean;
    /** Entra tenant of the managed app (verify gets its Graph token for it). */
    entraTenantId?: string;
    samlEntityId: string;
    samlReplyUrl: string;
    entraApplicationClientId?: pulumi.Output<string>;
    entraServicePrincipalId?: pulumi.Output<string>;
    synchronizationJobId?: pulumi.Output<string>;
}

/**
 * One Auth0 connection provisioned from Entra ID: the Entra SAML app signs users in, Auth0's SCIM endpoint
 * and token feed Entra's synchronization job. Without an `entra` block only the Auth0 side is declared.
 */
export class ScimConnection extends pulumi.ComponentResource {
    /** The Auth0 side the stack configures; absent for a self-service connection. */
    public readonly auth0?: Auth0ScimConnection;
    public readonly selfService?: SelfServiceConnection;
    public readonly entraApplication?: EntraSamlApplication;
    public readonly entraProvisioning?: EntraScimProvisioning;
    public readonly outputs: ScimConnectionOutputs;

    constructor(name: string, args: ScimConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("auth0-entra-scim:index:ScimConnection", name, {}, opts);
        const { settings, stack } = args;
        const entityId = samlEntityId(stack.auth0TenantName, settings.name);
        const replyUrl = samlReplyUrl(stack.customDomain ?? stack.auth0Domain, settings.name);
        const entraOpts = { parent: this, ...(args.azureadProvider ? { providers: { azuread: args.azureadProvider } } : {}) };
        if (settings.selfService) {
            this.selfService = new SelfServiceConnection(
                `${name}-self-service`,
                { settings: { ...settings, selfService: settings.selfService }, auth0Domain: stack.auth0Domain },
                { parent: this },
            );
            declareConnectionAccess(`${name}-access`, { connectionId: this.selfService.connectionId, access: settings }, { parent: this });
            this.outputs = {
                connectionId: this.selfService.connectionId,
                scimEndpointUrl: this.selfService.scimEndpointUrl,
                entraTenantUrl: this.selfService.scimEndpointUrl.apply(entraTenantUrl),
                samlEntityId: entityId,
                samlReplyUrl: replyUrl,
                selfService: { ...(args.selfServiceProfileId ? { profileId: args.selfServiceProfileId } : {}), ticket: this.selfService.ticketTemplate },
            };
            this.registerOutputs({ ...this.outputs });
            return;
        }

        let identityProvider: Auth0SamlIdentityProvider;
        if (settings.entra) {
            this.entraApplication = new EntraSamlApplication(
                `${name}-entra`,
                {
                    connectionName: settings.name,
                    settings: settings.entra,
                    samlEntityId: entityId,
                    samlReplyUrl: replyUrl,
                },
                entraOpts,
            );
            identityProvider = {
                signInEndpoint: this.entraApplication.signInEndpoint,
                signingCert: this.entraApplication.signingCertificatePem,
            };
        } else {
            const saml = settings.saml!;
            identityProvider = saml.metadataUrl
                ? { metadataUrl: saml.metadataUrl }
                : { signInEndpoint: saml.signInEndpoint!, signOutEndpoint: saml.signOutEndpoint, signingCert: saml.signingCert! };
        }

        this.auth0 = new Auth0ScimConnection(
            `${name}-auth0`,
            {
                settings,
                auth0Domain: stack.auth0Domain,
                identityProvider,
            },
            { parent: this },
        );
        const tenantUrl = this.auth0.scimEndpointUrl.apply(entraTenantUrl);
        declareConnectionAccess(`${name}-access`, { connectionId: this.auth0.connectionId, access: settings }, { parent: this });

        if (settings.entra && this.entraApplication) {
            this.entraProvisioning = new EntraScimProvisioning(
                `${name}-provisioning`,
                {
                    settings: settings.entra,
                    servicePrincipalId: this.entraApplication.servicePrincipalId,
                    servicePrincipalObjectId: this.entraApplication.servicePrincipalObjectId,
                    tenantUrl,
                    secretToken: this.auth0.token,
                    assignments: this.entraApplication.assignments,
                },
                entraOpts,
            );
        }

        this.outputs = {
            connectionId: this.auth0.connectionId,
            scimEndpointUrl: this.auth0.scimEndpointUrl,
            entraTenantUrl: tenantUrl,
            scimToken: pulumi.secret(this.auth0.token),
            scimTokenScopes: this.auth0.tokenScopes,
            scimTokenValidUntil: this.auth0.scimToken.validUntil,
            scimTokenRotateAfter: this.auth0.scimToken.rotateAfter,
            samlEntityId: entityId,
            samlReplyUrl: replyUrl,
            ...(settings.entra && this.entraApplication && this.entraProvisioning
                ? {
                      entraApplicationClientId: this.entraApplication.clientId,
                      entraServicePrincipalId: this.entraApplication.servicePrincipalObjectId,
                      synchronizationJobId: this.entraProvisioning.synchronizationJobId,
                      provisioningEnabled: settings.entra.provisioningEnabled,
                      entraTenantId: settings.entra.tenantId,
                  }
                : {}),
        };
        this.registerOutputs({ ...this.outputs });
    }
}
