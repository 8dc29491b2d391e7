// PreferredTokenSigningKey: makes a SAML token signing certificate the active one on the service principal
// (`preferredTokenSigningKeyThumbprint`), so Entra signs with the certificate the stack gave Auth0.
// azuread's ServicePrincipalTokenSigningCertificate creates the certificate but cannot activate it (azuread #823).
//
// Delete leaves the key as it is: the service principal keeps signing with this certificate until another is
// made active or the certificate itself is removed. Clearing the thumbprint would make Entra fall back to
// another certificate the Auth0 connection does not trust, and break sign-in.
import type * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "../dynamic/dynamicResource";

export interface PreferredTokenSigningKeyArgs {
    /** Object id of the service principal. */
    servicePrincipalId: pulumi.Input<string>;
    /** Thumbprint of the certificate to activate (azuread ServicePrincipalTokenSigningCertificate `thumbprint`). */
    thumbprint: pulumi.Input<string>;
    /** Tenant for the Graph token; default azuread:tenantId, else ARM_TENANT_ID (docs/credentials.md). */
    tenantId?: pulumi.Input<string>;
}

export class PreferredTokenSigningKey extends DynamicResource {
    declare readonly servicePrincipalId: pulumi.Output<string>;
    /** The active thumbprint; after `pulumi refresh`, the one Entra reports (a portal change shows as drift). */
    declare readonly thumbprint: pulumi.Output<string>;
    declare readonly tenantId: pulumi.Output<string | undefined>;

    constructor(name: string, args: PreferredTokenSigningKeyArgs, opts?: pulumi.CustomResourceOptions) {
        super("PreferredTokenSigningKey", name, { servicePrincipalId: args.servicePrincipalId, thumbprint: args.thumbprint, tenantId: args.tenantId }, opts);
    }
}
