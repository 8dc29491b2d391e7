import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import type { EntraSettings } from "../config";
import { SCIM_JOB_TEMPLATE_ID } from "../helpers/urls";
import { provisioningSettingsCredentials, synchronizationJobIdFromResourceId } from "./provisioningSettings";
import { SynchronizationSchema } from "./synchronizationSchemaResource";
import { ProvisioningStatus } from "./provisioningStatus";

export interface EntraScimProvisioningArgs {
    settings: EntraSettings;
    /** Service principal resource id (`/servicePrincipals/{objectId}`), what azuread resources take. */
    servicePrincipalId: pulumi.Input<string>;
    /** Service principal object id, what Graph calls take. */
    servicePrincipalObjectId: pulumi.Input<string>;
    /** Tenant URL Entra is given: the Auth0 SCIM endpoint with `?aadOptscim062020`. */
    tenantUrl: pulumi.Input<string>;
    /** Auth0 SCIM bearer token (secret). */
    secretToken: pulumi.Input<string>;
}

/**
 * The Entra side of provisioning, in the walkthrough's order: admin credentials (Auth0's SCIM URL and token)
 * and settings, the synchronization job from the `scim` template, its schema (work e-mail matching, groups
 * on/off), the provision-on-demand test, and only then provisioning status On.
 */
export class EntraScimProvisioning extends pulumi.ComponentResource {
    public readonly synchronizationSecret: azuread.SynchronizationSecret;
    public readonly synchronizationJob: azuread.SynchronizationJob;
    /** Graph's job id, e.g. `scim.<tenant>.<guid>`. */
    public readonly synchronizationJobId: pulumi.Output<string>;
    public readonly synchronizationSchema: SynchronizationSchema;
    public readonly provisionOnDemand?: azuread.SynchronizationJobProvisionOnDemand;
    public readonly provisioningStatus: ProvisioningStatus;

    constructor(name: string, args: EntraScimProvisioningArgs, opts?: pulumi.ComponentResourceOptions) {
        super("auth0-entra-scim:index:EntraScimProvisioning", name, {}, opts);
        const { settings } = args;

        this.synchronizationSecret = new azuread.SynchronizationSecret(
            `${name}-secret`,
            {
                servicePrincipalId: args.servicePrincipalId,
                // The whole list is secret: it carries the token.
                credentials: pulumi.secret(
                    pulumi
                        .all([args.tenantUrl, args.secretToken])
                        .apply(([tenantUrl, token]) => [
                            { key: "BaseAddress", value: tenantUrl },
                            { key: "SecretToken", value: token },
                            ...provisioningSettingsCredentials(settings),
                        ]),
                ),
            },
            { parent: this },
        );

        // Created paused, after its credentials exist (azuread #1013): no cycle may run before the schema below
        // is applied. ProvisioningStatus owns on/off from then on, so azuread must not fight it over `enabled`.
        this.synchronizationJob = new azuread.SynchronizationJob(
            `${name}-job`,
            {
                servicePrincipalId: args.servicePrincipalId,
                templateId: SCIM_JOB_TEMPLATE_ID,
                enabled: false,
            },
            { parent: this, dependsOn: [this.synchronizationSecret], ignoreChanges: ["enabled"] },
        );
        this.synchronizationJobId = this.synchronizationJob.id.apply(synchronizationJobIdFromResourceId);

        this.synchronizationSchema = new SynchronizationSchema(
            `${name}-schema`,
            {
                servicePrincipalId: args.servicePrincipalObjectId,
                synchronizationJobId: this.synchronizationJobId,
                tenantId: settings.tenantId,
                emailMatchingPrecedence: settings.emailMatchingPrecedence,
                provisionGroups: settings.provisionGroups,
                attributeMappings: settings.attributeMappings,
            },
            { parent: this },
        );

        const subjects = [
            ...settings.provisionOnDemand.users.map((objectId) => ({ objectId, objectTypeName: "User" })),
            ...settings.provisionOnDemand.groups.map((objectId) => ({ objectId, objectTypeName: "Group" })),
        ];
        if (subjects.length > 0) {
            // The walkthrough's test: provision the chosen objects once, with the schema in place.
            this.provisionOnDemand = new azuread.SynchronizationJobProvisionOnDemand(
                `${name}-provision-on-demand`,
                {
                    servicePrincipalId: args.servicePrincipalId,
                    synchronizationJobId: this.synchronizationJob.id,
                    parameters: [{ ruleId: this.synchronizationSchema.synchronizationRuleId, subjects }],
                },
                { parent: this, dependsOn: [this.synchronizationSchema] },
            );
        }

        this.provisioningStatus = new ProvisioningStatus(
            `${name}-status`,
            {
                servicePrincipalId: args.servicePrincipalObjectId,
                synchronizationJobId: this.synchronizationJobId,
                enabled: settings.provisioningEnabled,
                tenantId: settings.tenantId,
            },
            { parent: this, dependsOn: [this.synchronizationSchema, ...(this.provisionOnDemand ? [this.provisionOnDemand] : [])] },
        );

        this.registerOutputs({ synchronizationJobId: this.synchronizationJobId });
    }
}
