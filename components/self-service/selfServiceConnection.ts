import * as pulumi from "@pulumi/pulumi";
import * as auth0 from "@pulumi/auth0";
import type { ConnectionSettings } from "../config";
import type { SelfServiceSettings } from "../config/selfService";
import { scimEndpointUrl } from "../helpers/urls";
import { declareScimConfiguration } from "../2-auth0-connection/scimConfiguration";
import { samlConnectionArgs } from "../2-auth0-connection/samlConnectionArgs";
import { type SsoTicketTemplate, ssoTicketTemplate } from "./ticketRequest";

export interface SelfServiceConnectionArgs {
    /** The connection's settings; `selfService` is set. */
    settings: ConnectionSettings & { selfService: SelfServiceSettings };
    /** Canonical tenant domain: the SCIM endpoint's host. */
    auth0Domain: string;
}

/**
 * The Auth0 side of a connection whose IdP side the customer's admin sets up in Auth0's hosted flow
 * (an edit-connection ticket, docs/b2b.md). The stack owns the connection's name, display name and SCIM
 * configuration. It never sends the connection's `options`: Auth0 replaces options whole on every PATCH, and
 * the bridged provider sends them on every update whenever its inputs hold any, so declaring even one option
 * (or ignoreChanges on options, which re-sends the old inputs) would erase the sign-in URL, certificate,
 * attribute mapping and verified domains the admin set. It declares no SCIM token: the admin generates theirs
 * in the flow, and nothing here can list, rotate or delete them.
 */
export class SelfServiceConnection extends pulumi.ComponentResource {
    public readonly connection: auth0.Connection;
    public readonly scimConfiguration: auth0.ConnectionScimConfiguration;
    public readonly connectionId: pulumi.Output<string>;
    public readonly scimEndpointUrl: pulumi.Output<string>;
    /** The ticket body `npm run ticket` sends for this connection (without connection_id and ttl_sec). */
    public readonly ticketTemplate: SsoTicketTemplate;

    constructor(name: string, args: SelfServiceConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("auth0-entra-scim:index:SelfServiceConnection", name, {}, opts);
        const { settings } = args;
        const child = { parent: this };

        this.connection = new auth0.Connection(`${name}-connection`, samlConnectionArgs(settings), child);
        this.connectionId = this.connection.id;

        this.scimConfiguration = declareScimConfiguration(`${name}-scim-configuration`, this.connection.id, settings.scim, child);
        this.scimEndpointUrl = this.connection.id.apply((id) => scimEndpointUrl(args.auth0Domain, id));
        this.ticketTemplate = ssoTicketTemplate(settings.selfService, settings.scim);

        this.registerOutputs({ connectionId: this.connectionId, scimEndpointUrl: this.scimEndpointUrl });
    }
}
