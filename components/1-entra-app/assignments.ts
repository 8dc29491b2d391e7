import type * as azuread from "@pulumi/azuread";

/** Entra's "Default Access" role, for apps that expose no assignable user role. */
export const DEFAULT_ACCESS_ROLE_ID = "00000000-0000-0000-0000-000000000000";

type AppRole = azuread.types.output.ServicePrincipalAppRole;

/**
 * The role users and groups get when assigned in the portal's "Users and groups": a non-gallery SAML app
 * exposes an enabled "User" role for users (beside msiam_access); otherwise Default Access.
 */
export function assignmentRoleId(appRoles: readonly AppRole[] | undefined): string {
    const user = (appRoles ?? []).find((r) => r.enabled && r.displayName === "User" && r.allowedMemberTypes.includes("User"));
    return user?.id ?? DEFAULT_ACCESS_ROLE_ID;
}
