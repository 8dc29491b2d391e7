import type * as pulumi from "@pulumi/pulumi";
import * as auth0 from "@pulumi/auth0";
import type { ScimSettings } from "../config";

/**
 * "Sync user profiles using SCIM" on a connection, with the user id attribute and the complete mapping
 * (they go together: Auth0 replaces the whole mapping on update).
 */
export function declareScimConfiguration(
    name: string,
    connectionId: pulumi.Input<string>,
    scim: Pick<ScimSettings, "userIdAttribute" | "mappings">,
    opts: pulumi.CustomResourceOptions,
): auth0.ConnectionScimConfiguration {
    return new auth0.ConnectionScimConfiguration(
        name,
        { connectionId, userIdAttribute: scim.userIdAttribute, mappings: scim.mappings.map((m) => ({ scim: m.scim, auth0: m.auth0 })) },
        opts,
    );
}
