import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import { EntraSettings } from "./config";
import { SCIM_JOB_TEMPLATE_ID } from "./urls";
import { provisioningSettingsCredentials, synchronizationJobIdFromResourceId } from "./provisioningSettings";

export interface EntraScimProvisioningArgs {
    settings: EntraSettings;
    /** Service principal resource id (`/servicePrincipals/{objectId}`). */
    servicePrincipalId: pulumi.Input<string>;
    /** Tenant URL Entra is given: the Auth0 SCIM endpoint with `?aadOptscim062020`. */
    tenantUrl: pulumi.Input<string>;
    /** Auth0 SCIM bearer token (secret). */
    secretToken: pulumi.Input<string>;
}

/**
 * The Entra side of provisioning: automatic provisioning to Auth0's SCIM endpoint with the token,
 * the portal's provisioning settings, and the synchronization job from the `scim` template.
 */
export class EntraScimProvisioning extends pulumi.ComponentResource {
    public readonly synchronizationSecret: azuread.SynchronizationSecret;
    public readonly synchronizationJob: azuread.SynchronizationJob;
    /** Graph's job id, e.g. `scim.<tenant>.<guid>`. */
    public readonly synchronizationJobId: pulumi.Output<string>;

    constructor(name: string, args: EntraScimProvisioningArgs, opts?: pulumi.ComponentResourceOptions) {
        super("auth0-entra-scim:index:EntraScimProvisioning", name, {}, opts);
        const { settings } = args;

        this.synchronizationSecret = new azuread.SynchronizationSecret(`${name}-secret`, {
            servicePrincipalId: args.servicePrincipalId,
            // The whole list is secret: it carries the token.
            credentials: pulumi.secret(pulumi.all([args.tenantUrl, args.secretToken]).apply(([tenantUrl, token]) => [
                { key: "BaseAddress", value: tenantUrl },
                { key: "SecretToken", value: token },
                ...provisioningSettingsCredentials(settings),
            ])),
        }, { parent: this });

        // Started only once its credentials exist (azuread #1013: a job without a secret fails to start).
        this.synchronizationJob = new azuread.SynchronizationJob(`${name}-job`, {
            servicePrincipalId: args.servicePrincipalId,
            templateId: SCIM_JOB_TEMPLATE_ID,
            enabled: settings.provisioningEnabled,
        }, { parent: this, dependsOn: [this.synchronizationSecret] });
        this.synchronizationJobId = this.synchronizationJob.id.apply(synchronizationJobIdFromResourceId);

        this.registerOutputs({ synchronizationJobId: this.synchronizationJobId });
    }
}
