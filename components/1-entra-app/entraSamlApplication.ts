import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import type { EntraSettings } from "../config";
import { toPemCertificate } from "../helpers/certificates";
import { NON_GALLERY_TEMPLATE_ID, entraSamlEndpoint } from "../helpers/urls";
import { assignmentRoleId } from "./assignments";
import { PreferredTokenSigningKey } from "./preferredTokenSigningKey";

export interface EntraSamlApplicationArgs {
    /** The Auth0 connection this app signs users into (used in child resource names). */
    connectionName: string;
    /** The connection's validated `entra` block (config/entra.ts readEntra): tenant, assignments, certificate end. */
    settings: EntraSettings;
    /** Entra "Identifier (Entity ID)": the entity id Auth0 presents. */
    samlEntityId: string;
    /** Entra "Reply URL": Auth0's assertion consumer service. */
    samlReplyUrl: string;
}

/**
 * The Entra side of single sign-on: a non-gallery enterprise application set to SAML, assignment required,
 * with its own token signing certificate, Auth0's identifier and reply URL, and the assigned users and groups.
 */
export class EntraSamlApplication extends pulumi.ComponentResource {
    public readonly application: azuread.ApplicationFromTemplate;
    public readonly servicePrincipal: azuread.ServicePrincipal;
    public readonly signingCertificate: azuread.ServicePrincipalTokenSigningCertificate;
    public readonly preferredTokenSigningKey: PreferredTokenSigningKey;
    public readonly assignments: azuread.AppRoleAssignment[];
    /** Application (client) id. */
    public readonly clientId: pulumi.Output<string>;
    /** Service principal resource id (`/servicePrincipals/{objectId}`), what azuread resources take. */
    public readonly servicePrincipalId: pulumi.Output<string>;
    public readonly servicePrincipalObjectId: pulumi.Output<string>;
    /** The signing certificate as a PEM (azuread's `value` is the body alone); Auth0 takes it base64-encoded. */
    public readonly signingCertificatePem: pulumi.Output<string>;
    public readonly signingCertificateThumbprint: pulumi.Output<string>;
    /** Entra's SAML sign-in and sign-out endpoint for the tenant. */
    public readonly signInEndpoint: string;

    constructor(name: string, args: EntraSamlApplicationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("auth0-entra-scim:index:EntraSamlApplication", name, {}, opts);
        const { settings } = args;
        const child = { parent: this };

        this.application = new azuread.ApplicationFromTemplate(
            `${name}-app`,
            {
                displayName: settings.appName,
                templateId: NON_GALLERY_TEMPLATE_ID,
            },
            child,
        );

        // The template returns object ids only; the service principal is adopted by client id.
        this.clientId = azuread.getApplicationOutput({ objectId: this.application.applicationObjectId }, child).clientId;

        this.servicePrincipal = new azuread.ServicePrincipal(
            `${name}-sp`,
            {
                clientId: this.clientId,
                useExisting: true,
                preferredSingleSignOnMode: "saml",
                appRoleAssignmentRequired: true,
                featureTags: [{ enterprise: true, customSingleSignOn: true }],
                // Entra e-mails these addresses before the signing certificate expires.
                notificationEmailAddresses: settings.notificationEmails,
            },
            child,
        );
        this.servicePrincipalId = this.servicePrincipal.id;
        this.servicePrincipalObjectId = this.servicePrincipal.objectId;

        this.signingCertificate = new azuread.ServicePrincipalTokenSigningCertificate(
            `${name}-signing-cert`,
            {
                servicePrincipalId: this.servicePrincipal.id,
                displayName: "CN=Microsoft Azure Federated SSO Certificate",
                ...(settings.certificateEndDate ? { endDate: settings.certificateEndDate } : {}),
            },
            child,
        );
        // azuread creates the certificate but cannot make it the one Entra signs with (azuread #823).
        this.preferredTokenSigningKey = new PreferredTokenSigningKey(
            `${name}-signing-key`,
            {
                servicePrincipalId: this.servicePrincipal.objectId,
                thumbprint: this.signingCertificate.thumbprint,
                tenantId: settings.tenantId,
            },
            child,
        );
        // Auth0 gets the certificate once Entra signs with it, so the two never disagree on the key.
        this.signingCertificatePem = pulumi
            .all([this.signingCertificate.value, this.preferredTokenSigningKey.thumbprint])
            .apply(([value]) => toPemCertificate(value));
        this.signingCertificateThumbprint = this.signingCertificate.thumbprint;

        // Entra's identifier-URI policy rejects urn: URIs until the service principal is in SAML mode.
        new azuread.ApplicationIdentifierUri(
            `${name}-identifier-uri`,
            {
                applicationId: this.application.applicationId,
                identifierUri: args.samlEntityId,
            },
            { parent: this, dependsOn: [this.servicePrincipal] },
        );

        new azuread.ApplicationRedirectUris(
            `${name}-reply-url`,
            {
                applicationId: this.application.applicationId,
                type: "Web",
                redirectUris: [args.samlReplyUrl],
            },
            { parent: this, dependsOn: [this.servicePrincipal] },
        );

        const appRoleId = this.servicePrincipal.appRoles.apply(assignmentRoleId);
        const principals = [
            ...settings.assignments.users.map((id) => ({ kind: "user", id })),
            ...settings.assignments.groups.map((id) => ({ kind: "group", id })),
        ];
        // A loop, not map: one source-mapped frame (the callback) fewer in the call stack Pulumi records for each
        // assignment (docs/scale.md).
        this.assignments = [];
        for (const { kind, id } of principals) {
            this.assignments.push(
                new azuread.AppRoleAssignment(
                    `${name}-${kind}-${id.toLowerCase()}`,
                    {
                        appRoleId,
                        principalObjectId: id,
                        resourceObjectId: this.servicePrincipal.objectId,
                    },
                    child,
                ),
            );
        }

        this.signInEndpoint = entraSamlEndpoint(settings.tenantId);

        // The fields above are what the wiring reads; registering them as the component's outputs too stored them
        // in the state a second time and cost traced promises per value (issue 16).
        this.registerOutputs({});
    }
}
