// `npm run ticket` and `npm run status` against the Auth0 stand-in on 127.0.0.1, with the Pulumi CLI replaced by a
// fake that answers `stack output` and `config` as the CLI prints them.
import { generateKeyPairSync } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { type Auth0StandIn, startAuth0StandIn } from "../support/auth0StandIn";
import { main as ticket } from "../../tools/ticket/cli";
import { main as status } from "../../tools/status/cli";
import type { OnboardingIo } from "../../tools/status/command";

const API_TOKEN = "mgmt-api-token-for-tests";
const PROFILE = "ssp_qFCQZB7iBxkvSD8PLFbdVL";
const TICKET = {
    enabled_features: { sso: true, provisioning: true, domain_verification: false },
    provisioning_config: { scopes: ["get:users", "post:users", "patch:users", "delete:users"], token_lifetime: 7_776_000 },
};

let standIn: Auth0StandIn | undefined;
afterEach(async () => {
    await standIn?.close();
    standIn = undefined;
});

const API_TOKEN_CONFIG = { "auth0:domain": { value: "acme.eu.auth0.com" }, "auth0:apiToken": { value: API_TOKEN, secret: true } };

function io(
    outputs: Record<string, unknown>,
    extra: Partial<OnboardingIo> = {},
    config: Record<string, { value: string; secret?: boolean }> = API_TOKEN_CONFIG,
) {
    const out: string[] = [];
    const err: string[] = [];
    const waits: number[] = [];
    const calls: string[][] = [];
    const value: OnboardingIo = {
        stdout: (t) => out.push(t),
        stderr: (t) => err.push(t),
        env: {},
        baseUrl: standIn?.url,
        sleep: async (ms) => {
            waits.push(ms);
        },
        exec: async (_file, args) => {
            calls.push(args);
            // As the CLI prints them: a secret output is "[secret]" unless --show-secrets decrypts it.
            if (args[0] === "stack")
                return { stdout: JSON.stringify({ connections: args.includes("--show-secrets") ? outputs : hideSecrets(outputs) }), stderr: "" };
            return { stdout: JSON.stringify(config), stderr: "" };
        },
        ...extra,
    };
    return { value, out, err, waits, calls };
}

function hideSecrets(connections: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(connections).map(([k, v]) => [k, { ...(v as object), ...((v as { scimToken?: string }).scimToken ? { scimToken: "[secret]" } : {}) }]),
    );
}

/** The `pulumi stack output` argv a command ran. */
const stackOutputArgs = (calls: string[][]) => calls.filter((a) => a[0] === "stack");

const outputs = {
    "customer-a": { connectionId: "con_AAAAAAAAAAAAAAAA", selfService: { profileId: PROFILE, ticket: TICKET } },
    "customer-b": { connectionId: "con_BBBBBBBBBBBBBBBB", scimToken: "tok_x.secret", entraServicePrincipalId: "sp" },
};

describe("npm run ticket", () => {
    it("sends the stack's ticket body for the connection and prints the link on stdout only", async () => {
        standIn = await startAuth0StandIn({ apiToken: API_TOKEN });
        standIn.addConnection("con_AAAAAAAAAAAAAAAA", { name: "customer-a" });
        standIn.addProfile(PROFILE);
        const run = io(outputs);
        expect(await ticket(["--stack", "dev", "--connection", "customer-a", "--ttl-hours", "48"], run.value)).toBe(0);
        expect(standIn.tickets).toHaveLength(1);
        expect(standIn.tickets[0].profileId).toBe(PROFILE);
        // Exactly the stack's template: no enabled_clients / enabled_organizations, which the stack's resources own.
        expect(standIn.tickets[0].body).toEqual({ ...TICKET, connection_id: "con_AAAAAAAAAAAAAAAA", ttl_sec: 48 * 3600 });
        expect(stackOutputArgs(run.calls)).toEqual([["stack", "output", "--json", "--stack", "dev"]]);
        const link = standIn.tickets[0].link;
        expect(run.out.join("\n")).toContain(link);
        expect(run.err.join("\n")).not.toContain(link.split("ticket=")[1]);
    });

    it("signs in with a client assertion (auth0:clientAssertionPrivateKey), as the ScimToken provider does", async () => {
        const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
        standIn = await startAuth0StandIn({
            clientId: "m2m-assertion-client",
            clientAssertion: { publicKey, audience: "https://acme.eu.auth0.com/" },
            audience: "https://acme.eu.auth0.com/api/v2/",
        });
        standIn.addConnection("con_AAAAAAAAAAAAAAAA", { name: "customer-a" });
        standIn.addProfile(PROFILE);
        const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
        const run = io(
            outputs,
            {},
            {
                "auth0:domain": { value: "acme.eu.auth0.com" },
                "auth0:clientId": { value: "m2m-assertion-client" },
                "auth0:clientAssertionPrivateKey": { value: pem, secret: true },
                "auth0:clientAssertionSigningAlg": { value: "RS256" },
            },
        );
        expect(await ticket(["--stack", "dev", "--connection", "customer-a"], run.value)).toBe(0);
        expect(standIn.requests.find((r) => r.path === "/oauth/token")).toMatchObject({ status: 200, body: { client_id: "m2m-assertion-client" } });
        expect(standIn.tickets).toHaveLength(1);
        expect(run.err.join("\n")).not.toContain("PRIVATE KEY");
    });

    it("names the assertion key, not a secret, when Auth0 refuses the assertion", async () => {
        const signer = generateKeyPairSync("rsa", { modulusLength: 2048 });
        const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
        standIn = await startAuth0StandIn({
            clientId: "m2m-assertion-client",
            clientAssertion: { publicKey: other.publicKey, audience: "https://acme.eu.auth0.com/" },
        });
        standIn.addProfile(PROFILE);
        const run = io(
            outputs,
            {},
            {
                "auth0:domain": { value: "acme.eu.auth0.com" },
                "auth0:clientId": { value: "m2m-assertion-client" },
                "auth0:clientAssertionPrivateKey": { value: signer.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), secret: true },
                "auth0:clientAssertionSigningAlg": { value: "RS256" },
            },
        );
        expect(await ticket(["--stack", "dev", "--connection", "customer-a"], run.value)).toBe(1);
        const text = run.err.join("\n");
        expect(text).toContain("HTTP 401");
        expect(text).toContain("auth0:clientAssertionPrivateKey");
        expect(text).not.toContain("auth0:clientSecret");
        expect(standIn.requests.filter((r) => r.path === "/oauth/token")).toHaveLength(1);
    });

    it("refuses a connection that is not in self-service mode, asking Auth0 nothing", async () => {
        standIn = await startAuth0StandIn({ apiToken: API_TOKEN });
        const run = io(outputs);
        expect(await ticket(["--stack", "dev", "--connection", "customer-b"], run.value)).toBe(2);
        expect(run.err.join("\n")).toContain("connection customer-b is not in self-service mode");
        expect(run.err.join("\n")).toContain("customer-a");
        expect(standIn.requests).toHaveLength(0);
    });

    it("names the missing Management API scope and prints no link", async () => {
        standIn = await startAuth0StandIn({ apiToken: API_TOKEN, scopes: ["read:connections"] });
        standIn.addConnection("con_AAAAAAAAAAAAAAAA");
        standIn.addProfile(PROFILE);
        const run = io(outputs);
        expect(await ticket(["--stack", "dev", "--connection", "customer-a"], run.value)).toBe(1);
        expect(run.err.join("\n")).toContain("create:sso_access_tickets");
        expect(run.out).toEqual([]);
        expect(standIn.tickets).toHaveLength(0);
    });

    it("after a 5xx on the ticket POST, says a ticket may have been issued anyway, and does not repeat the POST", async () => {
        standIn = await startAuth0StandIn({ apiToken: API_TOKEN });
        standIn.addConnection("con_AAAAAAAAAAAAAAAA", { name: "customer-a" });
        standIn.addProfile(PROFILE);
        standIn.inject({ method: "POST", path: /\/sso-ticket$/, status: 503 });
        const run = io(outputs);
        expect(await ticket(["--stack", "dev", "--connection", "customer-a"], run.value)).toBe(1);
        expect(standIn.requests.filter((r) => r.method === "POST" && r.path.endsWith("/sso-ticket"))).toHaveLength(1);
        expect(run.err.join("\n")).toMatch(/HTTP 503.*Auth0 may have issued the ticket anyway: its link never reached this run/s);
        expect(run.out).toEqual([]);
    });

    it("after a refusal (4xx) says nothing about a ticket having been issued", async () => {
        standIn = await startAuth0StandIn({ apiToken: API_TOKEN });
        standIn.addConnection("con_AAAAAAAAAAAAAAAA", { name: "customer-a" });
        const run = io(outputs);
        expect(await ticket(["--stack", "dev", "--connection", "customer-a"], run.value)).toBe(1);
        expect(run.err.join("\n")).toContain("404");
        expect(run.err.join("\n")).not.toContain("may have issued");
    });

    it("says when the stack exports no profile", async () => {
        standIn = await startAuth0StandIn({ apiToken: API_TOKEN });
        const run = io({ "customer-a": { connectionId: "con_AAAAAAAAAAAAAAAA", selfService: { ticket: TICKET } } });
        expect(await ticket(["--stack", "dev", "--connection", "customer-a"], run.value)).toBe(2);
        expect(run.err.join("\n")).toContain("auth0-entra-scim:selfServiceProfile");
    });
});

describe("npm run status", () => {
    it("reports SAML, SCIM and token dates per connection, never token values, waiting out a 429", async () => {
        const now = Date.parse("2026-03-01T12:00:00Z");
        standIn = await startAuth0StandIn({ apiToken: API_TOKEN, now: () => new Date(now) });
        standIn.addConnection("con_AAAAAAAAAAAAAAAA", {
            name: "customer-a",
            options: { signInEndpoint: "https://login.microsoftonline.com/t/saml2", thumbprints: ["499fdf1c"], expires: "2029-01-01T00:00:00.000Z" },
        });
        const used = standIn.addToken("con_AAAAAAAAAAAAAAAA", { last_used_at: "2026-03-01T11:20:00.000Z", lifetimeSeconds: 5 * 86_400 });
        standIn.addConnection("con_BBBBBBBBBBBBBBBB", { name: "customer-b" });
        standIn.addToken("con_BBBBBBBBBBBBBBBB", { created_at: "2026-01-01T00:00:00.000Z" });
        standIn.inject({ method: "GET", path: /\/tokens$/, status: 429, headers: { "x-ratelimit-reset": String(now / 1000 + 2) } });
        const run = io(outputs, { now: () => now });
        // A CLI that printed secrets in clear: status must still not pass on the one token value it is handed.
        const inClear = run.value.exec!;
        run.value.exec = async (file, args, timeoutMs) => {
            if (args[0] !== "stack") return inClear(file, args, timeoutMs);
            run.calls.push(args);
            return { stdout: JSON.stringify({ connections: outputs }), stderr: "" };
        };
        expect(await status(["--stack", "dev", "--json"], run.value)).toBe(0);
        const report = JSON.parse(run.out.join("\n"));
        const [a, b] = report.connections;
        expect(a).toMatchObject({ connection: "customer-a", mode: "self-service", samlConfigured: true, scimConfigured: true, provisioning: "flowing" });
        expect(a.tokens[0]).toMatchObject({ tokenId: used.token_id, lastUsedAt: "2026-03-01T11:20:00.000Z", expiresSoon: true });
        expect(b).toMatchObject({ connection: "customer-b", mode: "managed", samlConfigured: false, provisioning: "stalled" });
        expect(run.waits).toEqual([2000]);
        expect(stackOutputArgs(run.calls)).toEqual([["stack", "output", "--json", "--stack", "dev"]]);
        const text = run.out.join("\n") + run.err.join("\n");
        // The stack output's SCIM token is the one value the tool is handed (in clear above); Auth0 never returns values.
        expect(text).not.toContain("tok_x.secret");
        for (const value of standIn.issuedValues) expect(text).not.toContain(value.split(".")[1]);
        // At most three reads per connection, plus the one answered 429.
        expect(standIn.requests.filter((r) => r.path.startsWith("/api/v2/"))).toHaveLength(7);
    });
});
