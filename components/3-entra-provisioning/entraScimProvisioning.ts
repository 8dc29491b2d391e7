import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import type { EntraSettings } from "../config";
import { SCIM_JOB_TEMPLATE_ID } from "../helpers/urls";
import { type SynchronizationCredential, provisioningSettingsCredentials, synchronizationJobIdFromResourceId } from "./provisioningSettings";
import { ProvisionOnDemand } from "./provisionOnDemand";
import { SynchronizationSchema } from "./synchronizationSchemaResource";
import { ProvisioningStatus } from "./provisioningStatus";

export interface EntraScimProvisioningArgs {
    /** The connection's validated `entra` block: provisioning on/off, groups, matching, mappings, on-demand subjects. */
    settings: EntraSettings;
    /** Service principal resource id (`/servicePrincipals/{objectId}`), what azuread resources take. */
    servicePrincipalId: pulumi.Input<string>;
    /** Service principal object id, what Graph calls take. */
    servicePrincipalObjectId: pulumi.Input<string>;
    /** Tenant URL Entra is given: the Auth0 SCIM endpoint with `?aadOptscim062020`. */
    tenantUrl: pulumi.Input<string>;
    /** Auth0 SCIM bearer token (secret). */
    secretToken: pulumi.Input<string>;
    /** The app role assignments of the users and groups: provision on demand runs after them (Entra skips unassigned subjects). */
    assignments?: pulumi.Resource[];
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
    /** One provision-on-demand test per configured user and group (entra.provisionOnDemand), in config order. */
    public readonly provisionOnDemand: ProvisionOnDemand[];
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
                            { key: "BaseAddress", value: tenantUrl } satisfies SynchronizationCredential,
                            { key: "SecretToken", value: token } satisfies SynchronizationCredential,
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

        // The walkthrough's test: provision each chosen object once, with the schema in place and after its
        // assignment. One resource per subject, named after it: Entra's API takes one subject per request.
        const subjects = [
            ...settings.provisionOnDemand.users.map((objectId) => ({ objectId, objectTypeName: "User" as const })),
            ...settings.provisionOnDemand.groups.map((objectId) => ({ objectId, objectTypeName: "Group" as const })),
        ];
        this.provisionOnDemand = subjects.map(
            (subject) =>
                new ProvisionOnDemand(
                    `${name}-provision-on-demand-${subject.objectTypeName.toLowerCase()}-${subject.objectId}`,
                    {
                        servicePrincipalId: args.servicePrincipalObjectId,
                        synchronizationJobId: this.synchronizationJobId,
                        ruleId: this.synchronizationSchema.synchronizationRuleId,
                        objectId: subject.objectId,
                        objectTypeName: subject.objectTypeName,
                        tenantId: settings.tenantId,
                    },
                    { parent: this, dependsOn: [this.synchronizationSchema, ...(args.assignments ?? [])] },
                ),
        );

        this.provisioningStatus = new ProvisioningStatus(
            `${name}-status`,
            {
                servicePrincipalId: args.servicePrincipalObjectId,
                synchronizationJobId: this.synchronizationJobId,
                enabled: settings.provisioningEnabled,
                tenantId: settings.tenantId,
            },
            { parent: this, dependsOn: [this.synchronizationSchema, ...this.provisionOnDemand] },
        );

        // The fields above are what the wiring reads; registering them as the component's outputs too stored them
        // in the state a second time and cost traced promises per value (issue 16).
        this.registerOutputs({});
    }
}
