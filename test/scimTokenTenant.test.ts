// ScimToken signs in with credentials of its own (auth0:* or AUTH0_*), not the auth0 provider ScimConnection's
// connection uses: it is given the tenant its connection is in (ScimConnection's auth0Domain) and refuses
// credentials for another tenant, before any request. Existing tokens, recorded without it, stay as they are.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Auth0StandIn, startAuth0StandIn } from "./support/auth0StandIn";
import { type ScimTokenInputs, type ScimTokenOutputs, createScimTokenProvider } from "../components/2-auth0-connection/scimTokenProvider";
import { dynamicTypeToken } from "../components/dynamic/dynamicResource";
import { Auth0CredentialsError } from "../components/clients/auth0Management";
import { ScimConnection } from "../components";
import { settle, simulate } from "../tools/plan/simulation";

const DOMAIN = "acme.eu.auth0.com";
const OTHER = "other-tenant.us.auth0.com";
const CONN = "con_TenantCheck00001";
const SCOPES = ["get:users", "post:users"];

let standIn: Auth0StandIn;
let credentialsDomain: string;

beforeEach(async () => {
    credentialsDomain = DOMAIN;
    standIn = await startAuth0StandIn({ apiToken: "mgmt-api-token-tenant" });
    standIn.addConnection(CONN);
});

afterEach(async () => {
    await standIn.close();
});

function provider() {
    return createScimTokenProvider({
        env: () => ({ AUTH0_DOMAIN: credentialsDomain, AUTH0_API_TOKEN: "mgmt-api-token-tenant" }),
        management: { baseUrl: standIn.url, sleep: async () => {} },
        log: () => {},
    });
}

async function rejection(p: Promise<unknown>): Promise<Error> {
    return p.then(
        () => {
            throw new Error("expected a failure");
        },
        (e: Error) => e,
    );
}

describe("ScimConnection", () => {
    it("gives its ScimToken the tenant of its args", async () => {
        const monitor = await simulate({ preview: true });
        new ScimConnection("tenant-b", { auth0Domain: OTHER, connection: { name: "tenant-b", saml: { metadataUrl: "https://idp.example.com/metadata" } } });
        await settle();
        const token = monitor.recorded.find((r) => r.type === dynamicTypeToken("ScimToken"));
        expect(token?.inputs.auth0Domain).toBe(OTHER);
    });
});

describe("the ScimToken provider", () => {
    it("refuses credentials for another tenant, naming both and the setting, and asks Auth0 nothing", async () => {
        const p = provider();
        credentialsDomain = OTHER;
        const { inputs } = await p.check!({} as ScimTokenInputs, { connectionId: CONN, scopes: SCOPES, auth0Domain: DOMAIN });
        const e = await rejection(p.create(inputs!));
        expect(e).toBeInstanceOf(Auth0CredentialsError);
        expect(e.message).toContain(`Auth0 tenant ${DOMAIN}`);
        expect(e.message).toContain(`sign in to ${OTHER}`);
        expect(e.message).toContain("auth0:domain (or AUTH0_DOMAIN)");
        expect(standIn.requests).toEqual([]);
    });

    it("deletes and reads only in the tenant the token was issued in", async () => {
        const p = provider();
        const { inputs } = await p.check!({} as ScimTokenInputs, { connectionId: CONN, scopes: SCOPES, auth0Domain: DOMAIN.toUpperCase() });
        const { id, outs } = await p.create(inputs!);
        expect(outs!.auth0Domain).toBe(DOMAIN.toUpperCase());
        credentialsDomain = OTHER;
        const before = standIn.requests.length;
        expect((await rejection(p.delete!(id, outs!))).message).toContain(`sign in to ${OTHER}`);
        expect((await rejection(p.read!(id, outs!))).message).toContain(`sign in to ${OTHER}`);
        expect(standIn.requests.length).toBe(before);
        expect(standIn.tokens(CONN)).toHaveLength(1);
    });

    it("refuses a domain with a scheme in check", async () => {
        const { failures } = await provider().check!({} as ScimTokenInputs, { connectionId: CONN, scopes: SCOPES, auth0Domain: `https://${DOMAIN}` });
        expect(failures).toEqual([{ property: "auth0Domain", reason: expect.stringContaining("without https://") }]);
    });

    it("sees no change when an existing token, recorded without a tenant, is given one", async () => {
        const p = provider();
        const old = await p.check!({} as ScimTokenInputs, { connectionId: CONN, scopes: SCOPES, tokenLifetimeDays: 90 });
        const { id, outs } = await p.create(old.inputs!);
        expect(outs).not.toHaveProperty("auth0Domain");
        const next = await p.check!(old.inputs!, { ...old.inputs!, auth0Domain: DOMAIN });
        expect(next.failures ?? []).toEqual([]);
        expect(next.inputs!.auth0Domain).toBe(DOMAIN);
        expect(await p.diff!(id, outs as ScimTokenOutputs, next.inputs!)).toEqual({ changes: false, deleteBeforeReplace: false });
        // Its recorded outputs name no tenant, so a later delete signs in to whatever the credentials name, as before.
        credentialsDomain = DOMAIN;
        await p.delete!(id, outs!);
        expect(standIn.tokens(CONN)).toEqual([]);
    });
});
