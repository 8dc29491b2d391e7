// What every SAML connection the stack declares shares, managed or self-service: its name, display name, the
// samlp strategy and whether it shows as a login button. The callers add (or, for self-service, deliberately never send) `options`.
import type * as auth0 from "@pulumi/auth0";
import type { ConnectionSettings } from "../config";

/** The auth0.Connection args every stack-declared SAML connection has. */
export function samlConnectionArgs(settings: Pick<ConnectionSettings, "name" | "displayName" | "showAsButton">): auth0.ConnectionArgs {
    return {
        name: settings.name,
        displayName: settings.displayName,
        strategy: "samlp",
        showAsButton: settings.showAsButton,
    };
}
