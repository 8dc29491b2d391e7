import * as pulumi from "@pulumi/pulumi";
import { type ScimConnectionArgs, knownKeys, parseScimConnectionArgs } from "./config";
import { Auth0ScimConnection, type Auth0SamlIdentityProvider } from "./2-auth0-connection/auth0ScimConnection";
import { EntraSamlApplication } from "./1-entra-app/entraSamlApplication";
import { EntraScimProvisioning } from "./3-entra-provisioning/entraScimProvisioning";
import { auth0SigningCert } from "./helpers/certificates";
import { entraTenantUrl, samlEntityId, samlReplyUrl } from "./helpers/urls";
import { declareConnectionAccess } from "./2-auth0-connection/connectionAccess";
import { SelfServiceConnection } from "./self-service/selfServiceConnection";
import type { SsoTicketTemplate } from "./self-service/ticketRequest";

export type { ScimConnectionArgs };

/** What other tools read per connection: one entry of the stack's `connections` output. */
export interface ScimConnectionOutputs {
    /** The Auth0 connection id (`con_...`). */
    connectionId: pulumi.Output<string>;
    /** Auth0's SCIM endpoint for the connection, on the canonical domain. */
    scimEndpointUrl: pulumi.Output<string>;
    /** The Tenant URL Entra is given: the SCIM endpoint with `?aadOptscim062020`. */
    entraTenantUrl: pulumi.Output<string>;
    /** The stack's SCIM token (a secret); absent for a self-service connection, whose admin makes their own. */
    scimToken?: pulumi.Output<string>;
    /** The token's scopes; absent for a self-service connection. */
    scimTokenScopes?: string[];
    /** When the SCIM token expires; undefined for a token that never expires. */
    scimTokenValidUntil?: pulumi.Output<string | undefined>;
    /** When the next `pulumi up` rotates the token; undefined when it is never rotated. */
    scimTokenRotateAfter?: pulumi.Output<string | undefined>;
    /** A self-service connection: the profile and the ticket body `npm run ticket` sends. */
    selfService?: { profileId?: pulumi.Output<string>; ticket: SsoTicketTemplate };
    /** Provisioning status the stack declares (verify uses it to tell a paused job from a broken one). Managed apps only. */
    provisioningEnabled?: boolean;
    /** Entra tenant of the managed app (verify gets its Graph token for it). Managed apps only. */
    entraTenantId?: string;
    /** Entra's "Identifier (Entity ID)": `urn:auth0:{tenant}:{connection}`. */
    samlEntityId: string;
    /** Entra's "Reply URL": Auth0's assertion consumer service. */
    samlReplyUrl: string;
    /** The enterprise app's application (client) id. Managed apps only. */
    entraApplicationClientId?: pulumi.Output<string>;
    /** The enterprise app's service principal object id. Managed apps only. */
    entraServicePrincipalId?: pulumi.Output<string>;
    /** Graph's synchronization job id. Managed apps only. */
    synchronizationJobId?: pulumi.Output<string>;
}

/** The output contract: every name `conn.outputs` (and each entry of the stack's `connections` output) may carry. */
export const SCIM_CONNECTION_OUTPUT_NAMES = knownKeys<ScimConnectionOutputs>({
    connectionId: true,
    scimEndpointUrl: true,
    entraTenantUrl: true,
    scimToken: true,
    scimTokenScopes: true,
    scimTokenValidUntil: true,
    scimTokenRotateAfter: true,
    provisioningEnabled: true,
    entraTenantId: true,
    samlEntityId: true,
    samlReplyUrl: true,
    entraApplicationClientId: true,
    entraServicePrincipalId: true,
    synchronizationJobId: true,
    selfService: true,
});

/**
 * One Auth0 connection provisioned from Entra ID: the Entra SAML app signs users in, Auth0's SCIM endpoint
 * and token feed Entra's synchronization job. Without an `entra` block only the Auth0 side is declared.
 *
 * Invalid args throw one ConfigError listing every problem with its path, before anything is registered.
 * Explicit providers (an azuread provider for another tenant, an auth0 provider) go in `opts.providers`;
 * every child inherits them.
 */
export class ScimConnection extends pulumi.ComponentResource {
    /** The Auth0 side the stack configures; absent for a self-service connection. */
    public readonly auth0?: Auth0ScimConnection;
    /** The Auth0 side of a self-service connection (`connection.selfService`); absent otherwise. */
    public readonly selfService?: SelfServiceConnection;
    /** The Entra enterprise application (SAML, assignments); absent without an `entra` block. */
    public readonly entraApplication?: EntraSamlApplication;
    /** Entra's provisioning to Auth0 (secret, job, schema, on-demand tests, status); absent without an `entra` block. */
    public readonly entraProvisioning?: EntraScimProvisioning;
    /** What the stack exports per connection (SCIM_CONNECTION_OUTPUT_NAMES); `scimToken` is a secret. */
    public readonly outputs: ScimConnectionOutputs;

    constructor(name: string, args: ScimConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
        const { tenants, connection: settings } = parseScimConnectionArgs(args, `ScimConnection "${name}" args`);
        super("auth0-entra-scim:index:ScimConnection", name, {}, opts);
        const entityId = samlEntityId(tenants.auth0TenantName, settings.name);
        const replyUrl = samlReplyUrl(tenants.customDomain ?? tenants.auth0Domain, settings.name);
        const child = { parent: this };
        if (settings.selfService) {
            this.selfService = new SelfServiceConnection(
                `${name}-self-service`,
                { settings: { ...settings, selfService: settings.selfService }, auth0Domain: tenants.auth0Domain },
                child,
            );
            declareConnectionAccess(`${name}-access`, { connectionId: this.selfService.connectionId, access: settings }, child);
            this.outputs = {
                // No SCIM token: the customer's admin makes their own in Auth0's hosted flow.
                connectionId: this.selfService.connectionId,
                scimEndpointUrl: this.selfService.scimEndpointUrl,
                entraTenantUrl: this.selfService.scimEndpointUrl.apply(entraTenantUrl),
                samlEntityId: entityId,
                samlReplyUrl: replyUrl,
                selfService: {
                    ...(args.selfServiceProfileId !== undefined ? { profileId: pulumi.output(args.selfServiceProfileId) } : {}),
                    ticket: this.selfService.ticketTemplate,
                },
            };
            this.registerOutputs({});
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
                child,
            );
            identityProvider = {
                signInEndpoint: this.entraApplication.signInEndpoint,
                signingCert: this.entraApplication.signingCertificatePem.apply(auth0SigningCert),
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
                auth0Domain: tenants.auth0Domain,
                identityProvider,
            },
            child,
        );
        const tenantUrl = this.auth0.scimEndpointUrl.apply(entraTenantUrl);
        declareConnectionAccess(`${name}-access`, { connectionId: this.auth0.connectionId, access: settings }, child);

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
                child,
            );
        }

        this.outputs = {
            connectionId: this.auth0.connectionId,
            scimEndpointUrl: this.auth0.scimEndpointUrl,
            entraTenantUrl: tenantUrl,
            // Secret at its source (ScimToken); every value derived from it stays secret.
            scimToken: this.auth0.token,
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
        // `outputs` reach the state once, in the stack's `connections` output; registering them on the component
        // too stored each (the token included) twice and cost about 2% of a large stack's evaluation (issue 16).
        this.registerOutputs({});
    }
}
