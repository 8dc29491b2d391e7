import type * as pulumi from "@pulumi/pulumi";
import * as auth0 from "@pulumi/auth0";
import type { ConnectionAccessSettings } from "../config/access";

export interface ConnectionAccessArgs {
    /** The Auth0 connection to enable. */
    connectionId: pulumi.Input<string>;
    /** Applications and organizations, as the config declares them. */
    access: ConnectionAccessSettings;
}

export interface ConnectionAccess {
    /** Absent when the config does not list enabledClients. */
    clients?: auth0.ConnectionClients;
    organizations: auth0.OrganizationConnection[];
}

/**
 * Who can sign in through a connection: its enabled applications (one authoritative ConnectionClients list,
 * declared only when the config lists them) and one OrganizationConnection per organization (other
 * organizations' links are left alone). `opts` gives the parent.
 */
export function declareConnectionAccess(name: string, args: ConnectionAccessArgs, opts: pulumi.CustomResourceOptions): ConnectionAccess {
    const { access } = args;
    // terraform-provider-auth0 refuses to create the list over a connection that already has other clients
    // enabled (docs/b2b.md: import it, or list them); it never silently drops clients it did not enable.
    const clients =
        access.enabledClients === undefined
            ? undefined
            : new auth0.ConnectionClients(`${name}-clients`, { connectionId: args.connectionId, enabledClients: access.enabledClients }, opts);
    const organizations = access.organizations.map(
        (org) =>
            new auth0.OrganizationConnection(
                `${name}-${org.id}`,
                {
                    connectionId: args.connectionId,
                    organizationId: org.id,
                    ...(org.assignMembershipOnLogin !== undefined ? { assignMembershipOnLogin: org.assignMembershipOnLogin } : {}),
                    ...(org.isSignupEnabled !== undefined ? { isSignupEnabled: org.isSignupEnabled } : {}),
                    ...(org.showAsButton !== undefined ? { showAsButton: org.showAsButton } : {}),
                },
                opts,
            ),
    );
    return { ...(clients ? { clients } : {}), organizations };
}
