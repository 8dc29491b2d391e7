import * as pulumi from "@pulumi/pulumi";
import * as auth0 from "@pulumi/auth0";
import type { ConnectionSettings } from "../config";
import { scimEndpointUrl } from "../helpers/urls";
import { ScimToken } from "./scimToken";
import { declareScimConfiguration } from "./scimConfiguration";
import { samlConnectionArgs } from "./samlConnectionArgs";

/** Where Auth0 sends users to sign in: the stack's Entra app, or the customer's own IdP. */
export type Auth0SamlIdentityProvider =
    | {
          signInEndpoint: pulumi.Input<string>;
          signOutEndpoint?: pulumi.Input<string>;
          /** In Auth0's form: base64 of the whole PEM text (helpers/certificates.ts auth0SigningCert). */
          signingCert: pulumi.Input<string>;
      }
    | { metadataUrl: string };

export interface Auth0ScimConnectionArgs {
    /** The validated connection (config/connection.ts): name, SCIM mapping and token schedule, access. */
    settings: ConnectionSettings;
    /** Canonical tenant domain: the SCIM endpoint's host. */
    auth0Domain: string;
    /** Where Auth0 sends users to sign in: the managed Entra app's endpoint and certificate, or the config's `saml`. */
    identityProvider: Auth0SamlIdentityProvider;
}

/**
 * The Auth0 side: a SAML (samlp) connection with "Sync user profiles using SCIM" on, user id attribute and
 * mapping as Auth0's Entra guide asks, and a bearer token for Entra.
 */
export class Auth0ScimConnection extends pulumi.ComponentResource {
    public readonly connection: auth0.Connection;
    public readonly scimConfiguration: auth0.ConnectionScimConfiguration;
    public readonly scimToken: ScimToken;
    public readonly connectionId: pulumi.Output<string>;
    public readonly scimEndpointUrl: pulumi.Output<string>;
    /** The bearer token, a secret. */
    public readonly token: pulumi.Output<string>;
    public readonly tokenScopes: string[];

    constructor(name: string, args: Auth0ScimConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("auth0-entra-scim:index:Auth0ScimConnection", name, {}, opts);
        const { settings } = args;
        const child = { parent: this };
        const idp = args.identityProvider;

        this.connection = new auth0.Connection(
            `${name}-connection`,
            {
                ...samlConnectionArgs(settings),
                options: {
                    ...("metadataUrl" in idp
                        ? { metadataUrl: idp.metadataUrl }
                        : {
                              signInEndpoint: idp.signInEndpoint,
                              signOutEndpoint: idp.signOutEndpoint ?? idp.signInEndpoint,
                              signingCert: idp.signingCert,
                          }),
                    signatureAlgorithm: "rsa-sha256",
                    digestAlgorithm: "sha256",
                    // Auth0's SCIM guidance: SCIM owns the profile, so logins must not overwrite it each time.
                    setUserRootAttributes: settings.setUserRootAttributes,
                    ...(settings.domainAliases.length > 0 ? { domainAliases: settings.domainAliases } : {}),
                },
            },
            child,
        );
        this.connectionId = this.connection.id;

        this.scimConfiguration = declareScimConfiguration(`${name}-scim-configuration`, this.connection.id, settings.scim, child);

        this.tokenScopes = settings.scim.tokenScopes;
        // A custom resource: auth0.ConnectionScimToken has no lifetime, so its tokens never expire (issue 4).
        this.scimToken = new ScimToken(
            `${name}-scim-token`,
            {
                connectionId: this.connection.id,
                scopes: this.tokenScopes,
                tokenLifetimeDays: settings.scim.tokenLifetimeDays,
                tokenRotationDays: settings.scim.tokenRotationDays,
                // The provider signs in with its own credentials: it checks they are for this tenant.
                auth0Domain: args.auth0Domain,
            },
            { parent: this, dependsOn: [this.scimConfiguration] },
        );
        // Secret at its source: ScimToken marks it (additionalSecretOutputs, and pulumi.secret for mocks).
        this.token = this.scimToken.token;

        this.scimEndpointUrl = this.connection.id.apply((id) => scimEndpointUrl(args.auth0Domain, id));

        // The fields above are what the wiring reads; registering them as the component's outputs too stored them
        // in the state a second time and cost traced promises per value (issue 16).
        this.registerOutputs({});
    }
}
