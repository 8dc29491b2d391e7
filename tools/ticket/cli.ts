// npm run ticket -- --stack NAME --connection NAME [--ttl-hours N] [--json]
// Issues an Auth0 self-service ticket for a self-service connection the stack declared, and prints the link.
// The link is a credential: it goes to stdout only, once; stderr, errors and logs never carry it.
// Exit codes: 0 issued; 1 Auth0 refused or failed; 2 usage, stack or config problem; 3 internal error.
import type { Management } from "auth0";
import { type IssuedTicket, OnboardingApi, OnboardingApiError } from "../../components/self-service/onboardingApi";
import { MAX_TICKET_TTL_SECONDS } from "../../components/self-service/ticketRequest";
import { type ConnectionOutput, UsageError } from "../verify/target";
import { type OnboardingIo, runCommand, runFromShell } from "../status/command";
import { type StackContext, readStackContext } from "../status/stackContext";

export const USAGE = `Usage:
  npm run ticket -- --stack NAME --connection NAME [--ttl-hours N] [--json]

Creates an Auth0 self-service ticket for a connection declared with selfService in the stack, and prints its
link. Send the link to the customer's admin over a private channel: whoever opens it can set up the connection's
SAML sign-in and generate SCIM tokens for it. The ticket carries the stack's settings (provisioning scopes and
token lifetime from the connection's scim block, domain verification from selfService). Every run issues a new
ticket: links issued earlier stay valid until they expire or are revoked.

Options:
  --stack NAME        the Pulumi stack (its connections output and auth0:* config; else AUTH0_* variables)
  --connection NAME   the self-service connection
  --ttl-hours N       how long the link can be opened, 1 to 120 hours (default: Auth0's 120 hours = 5 days)
  --json              print {connection, ticket, expiresAt} as JSON on stdout
  --help

Needs the Management API scope create:sso_access_tickets.
Exit codes: 0 issued, 1 Auth0 refused or failed, 2 usage or stack problem, 3 internal error.`;

// Published (Auth0 Management API reference, POST /api/v2/self-service-profiles/{id}/sso-ticket, ttl_sec, and its
// OpenAPI schema's `maximum: 432000`): a ticket is valid for ttl_sec, default and at most 432000 s (5 days); POST .../sso-ticket/{id}/revoke revokes one.
// UNCONFIRMED (no published Auth0 source found): that an opened link lasts 5 hours and opens at most 10 times, and
// that the id revoke takes is the link's `ticket` value. The advice below states neither as fact.
const LINK_ADVICE =
    "Send the link privately. If it leaks, revoke the ticket (Management API: POST /api/v2/self-service-profiles/{profileId}/sso-ticket/{ticketId}/revoke) and issue a new one.";

function ttlSeconds(v: string | undefined): number | undefined {
    if (v === undefined) return undefined;
    const hours = Number(v);
    if (!Number.isInteger(hours) || hours < 1 || hours * 3600 > MAX_TICKET_TTL_SECONDS) {
        throw new UsageError(`--ttl-hours must be a whole number from 1 to ${MAX_TICKET_TTL_SECONDS / 3600} (Auth0's limit is 5 days); got ${v}`);
    }
    return hours * 3600;
}

/** The connection's ticket request, or a UsageError saying why this connection cannot have one. */
export function ticketRequestFor(stack: string, name: string, context: Pick<StackContext, "connections">, ttl?: number) {
    const names = Object.keys(context.connections).sort();
    const c: ConnectionOutput | undefined = context.connections[name];
    if (!c) throw new UsageError(`stack ${stack} has no connection "${name}"; it has: ${names.join(", ") || "none"}`);
    const selfService = c.selfService;
    if (!selfService) {
        const selfServiceNames = names.filter((n) => context.connections[n]?.selfService);
        throw new UsageError(
            `connection ${name} is not in self-service mode: the stack sets up its IdP side itself (entra or saml). Declare it with selfService: {} ` +
                `instead of entra/saml and run pulumi up, or pick a self-service connection (${selfServiceNames.join(", ") || "the stack has none"}).`,
        );
    }
    if (!selfService.profileId) {
        throw new UsageError(
            `stack ${stack} exports no self-service profile for connection ${name}: set auth0-entra-scim:selfServiceProfile and run pulumi up, so Auth0 has a profile to issue the ticket from.`,
        );
    }
    if (!c.connectionId) throw new UsageError(`connection ${name}: the stack output has no connectionId; run pulumi up first`);
    const request: Management.CreateSelfServiceProfileSsoTicketRequestContent = {
        ...(selfService.ticket ?? {}),
        connection_id: c.connectionId,
        ...(ttl !== undefined ? { ttl_sec: ttl } : {}),
    };
    return { profileId: selfService.profileId, request };
}

function render(connection: string, issued: IssuedTicket, json: boolean): string {
    if (json) return JSON.stringify({ connection, ticket: issued.ticket, expiresAt: issued.expiresAt }, null, 2);
    return [`Self-service ticket for connection ${connection}:`, issued.ticket, `Open it before ${issued.expiresAt}.`].join("\n");
}

/**
 * The ticket POST is not repeated (a repeat would issue a second live link). When its outcome is unknown (no answer,
 * a 5xx), Auth0 may have issued a ticket whose link never reached this run: say so, so the vendor does not assume
 * there is none.
 */
async function createTicket(api: OnboardingApi, profileId: string, request: Management.CreateSelfServiceProfileSsoTicketRequestContent) {
    try {
        return await api.createTicket(profileId, request);
    } catch (e) {
        if (!(e instanceof OnboardingApiError) || (e.status !== 0 && e.status < 500)) throw e;
        throw new OnboardingApiError(
            e.call,
            e.status,
            `${e.message} Auth0 may have issued the ticket anyway: its link never reached this run, and it stays valid until it expires ` +
                "(ttl_sec, at most 5 days). Running again issues another.",
        );
    }
}

export async function main(argv: string[], io: OnboardingIo): Promise<number> {
    return runCommand("ticket", USAGE, argv, io, ["connection", "ttl-hours"], async ({ stack, json, strings }) => {
        const connection = strings.connection;
        if (!connection) throw new UsageError("--connection NAME is required");
        const ttl = ttlSeconds(strings["ttl-hours"]);
        const context = await readStackContext(stack, io.env, io.exec);
        const { profileId, request } = ticketRequestFor(stack, connection, context, ttl);
        const api = new OnboardingApi({ credentials: context.credentials, baseUrl: io.baseUrl, sleep: io.sleep, now: io.now });
        const issued = await createTicket(api, profileId, request);
        if (!json) io.stderr(`Credentials: ${context.credentialSource}. ${LINK_ADVICE}`);
        io.stdout(render(connection, issued, json));
        return 0;
    });
}

if (require.main === module) runFromShell(main);
