// npm run status -- --stack NAME [--json]
// Per connection of the stack, what Auth0 knows: SAML configured, SCIM configuration, SCIM tokens (ids and dates,
// never values). At most three Management API reads per connection, one at a time, waiting out 429s.
// Exit codes: 0 report printed; 1 Auth0 refused or failed; 2 usage or stack problem; 3 internal error.
import { OnboardingApi } from "../../components/self-service/onboardingApi";
import { type ConnectionOutput, UsageError } from "../verify/target";
import { type OnboardingIo, runCommand, runFromShell } from "./command";
import { type AuthZeroAnswers, type ConnectionStatus, DEFAULT_STATUS_OPTIONS, connectionStatus, renderStatus } from "./report";
import { readStackContext } from "./stackContext";

export const USAGE = `Usage:
  npm run status -- --stack NAME [--json]

Lists every connection of the stack with what Auth0 knows about it: whether SAML is configured (and when the IdP's
certificate expires), whether SCIM is on, and its SCIM tokens (id, created, expires, last used; never the value),
so you see whose provisioning is flowing, which stalled, and which tokens are about to expire.

Options:
  --stack NAME   the Pulumi stack (its connections output and auth0:* config; else AUTH0_* variables)
  --json         print the report as JSON (reportVersion 1) on stdout
  --help

Needs the Management API scopes read:connections read:scim_config read:scim_token.
Exit codes: 0 report printed, 1 Auth0 refused or failed, 2 usage or stack problem, 3 internal error.`;

function modeOf(c: ConnectionOutput): ConnectionStatus["mode"] {
    if (c.selfService) return "self-service";
    return c.entraServicePrincipalId ? "managed" : "auth0-only";
}

/** The three reads for one connection; the token list only when SCIM is on. */
async function askAuth0(api: OnboardingApi, connectionId: string): Promise<AuthZeroAnswers> {
    const connection = await api.getConnection(connectionId);
    if (!connection) return { tokens: [] };
    const scimConfiguration = await api.getScimConfiguration(connectionId);
    const tokens = scimConfiguration ? await api.listScimTokens(connectionId) : [];
    return { connection, ...(scimConfiguration ? { scimConfiguration } : {}), tokens };
}

export async function main(argv: string[], io: OnboardingIo): Promise<number> {
    return runCommand("status", USAGE, argv, io, [], async ({ stack, json }) => {
        const context = await readStackContext(stack, io.env, io.exec);
        const api = new OnboardingApi({ credentials: context.credentials, baseUrl: io.baseUrl, sleep: io.sleep, now: io.now });
        const options = { ...DEFAULT_STATUS_OPTIONS, now: (io.now ?? Date.now)() };
        const statuses: ConnectionStatus[] = [];
        for (const name of Object.keys(context.connections).sort()) {
            const c = context.connections[name] ?? {};
            if (!c.connectionId) throw new UsageError(`connection ${name}: the stack output has no connectionId; run pulumi up first`);
            statuses.push(connectionStatus(name, modeOf(c), c.connectionId, await askAuth0(api, c.connectionId), options));
        }
        if (json) {
            io.stdout(JSON.stringify({ reportVersion: 1, stack, checkedAt: new Date(options.now).toISOString(), connections: statuses }, null, 2));
        } else {
            io.stderr(`Credentials: ${context.credentialSource}.`);
            io.stdout(renderStatus(stack, statuses));
        }
        return 0;
    });
}

if (require.main === module) runFromShell(main);
