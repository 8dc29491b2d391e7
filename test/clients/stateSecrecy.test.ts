// With credentials in the stack config (as `pulumi config set --secret` puts them), nothing of them is stored in
// state: the inputs each custom resource registers (the `__provider` text included) and the outputs its provider
// returns are checked as the engine would receive them, under mocks that run the real, wrapped providers
// configured with that stack config, against the local stand-ins.
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProvider as createSigningKeyProvider } from "../../components/1-entra-app/preferredTokenSigningKeyProvider";
import { createScimTokenProvider } from "../../components/2-auth0-connection/scimTokenProvider";
import { setNoticeSink } from "../../components/clients/credentials";
import { GraphClient } from "../../components/clients/graph";
import { withStackConfig } from "../../components/dynamic/withStackConfig";
import { type Auth0StandIn, startAuth0StandIn } from "../support/auth0StandIn";
import { type GraphStandIn, startGraphStandIn } from "../support/graphStandIn";
import { type LoginStandIn, startLoginStandIn } from "./entraLoginStandIn";

const STACK_CONFIG: Record<string, string> = {
    "azuread:tenantId": "6f1c2b3a-0000-4000-8000-00000000aaaa",
    "azuread:clientId": "3c2b1a00-0000-4000-8000-00000000cccc",
    "azuread:clientSecret": "state-check-azuread-secret-K1",
    "auth0:domain": "acme.eu.auth0.com",
    "auth0:clientId": "m2m-client",
    "auth0:clientSecret": "state-check-auth0-secret-K2",
};
const SECRETS = [STACK_CONFIG["azuread:clientSecret"], STACK_CONFIG["auth0:clientSecret"]];
const ACCESS_TOKEN = "state-check-graph-access-token-K3";

let graph: GraphStandIn;
let login: LoginStandIn;
let auth0: Auth0StandIn;
const registered: { type: string; inputs: unknown; state: unknown }[] = [];

beforeAll(async () => {
    setNoticeSink(() => {});
    graph = await startGraphStandIn({ token: ACCESS_TOKEN });
    login = await startLoginStandIn({ clientId: STACK_CONFIG["azuread:clientId"], clientSecret: SECRETS[0], accessToken: ACCESS_TOKEN });
    auth0 = await startAuth0StandIn({ clientId: "m2m-client", clientSecret: SECRETS[1], audience: "https://acme.eu.auth0.com/api/v2/" });
    auth0.addConnection("con_StateCheck000001");
    const config = { get: (k: string) => STACK_CONFIG[k], require: (k: string) => STACK_CONFIG[k] };
    const providers: Record<string, pulumi.dynamic.ResourceProvider> = {
        PreferredTokenSigningKey: withStackConfig(
            createSigningKeyProvider((tenantId) => new GraphClient({ tenantId, baseUrl: graph.url, credentialTransport: { httpClient: login.httpClient } })),
        ),
        ScimToken: withStackConfig(createScimTokenProvider({ management: { baseUrl: auth0.url, sleep: async () => {} }, log: () => {} })),
    };
    for (const p of Object.values(providers)) await p.configure?.({ config });
    // The program sees the same stack config, secrets marked, as `pulumi up` would give it.
    pulumi.runtime.setAllConfig(STACK_CONFIG, ["azuread:clientSecret", "auth0:clientSecret"]);
    pulumi.runtime.setMocks(
        {
            newResource: async (args) => {
                const type = /auth0-entra-scim:(\w+)$/.exec(args.type)?.[1] ?? "";
                const provider = providers[type];
                if (!provider) return { id: `${args.name}-id`, state: args.inputs };
                const { __provider: _text, ...inputs } = args.inputs as Record<string, unknown>;
                const checked = provider.check ? await provider.check({}, inputs) : { inputs };
                const { id, outs } = await provider.create(checked.inputs);
                registered.push({ type, inputs: args.inputs, state: outs });
                return { id, state: outs };
            },
            call: async () => ({}),
        },
        "auth0-entra-scim",
        "test",
        false,
    );
});

afterAll(async () => {
    await Promise.all([graph.close(), login.close(), auth0.close()]);
});

function settled<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => resolve(v)));
}

describe("credentials from stack config and the state", () => {
    it("are used by both kinds of custom resource and stored in neither's inputs, provider text or outputs", async () => {
        const { PreferredTokenSigningKey } = await import("../../components/1-entra-app/preferredTokenSigningKey");
        const { ScimToken } = await import("../../components/2-auth0-connection/scimToken");
        const sp = graph.addServicePrincipal();
        const key = new PreferredTokenSigningKey("key", { servicePrincipalId: sp.id, thumbprint: "2F8B4E1C9A7D3B6E5F0A1C2D3E4F5A6B7C8D9E0F" });
        const token = new ScimToken("token", { connectionId: "con_StateCheck000001", scopes: ["get:users"] });
        await Promise.all([settled(key.urn), settled(token.urn), settled(token.id)]);

        expect(registered.map((r) => r.type).sort()).toEqual(["PreferredTokenSigningKey", "ScimToken"]);
        // The credentials really were used: Entra and Auth0 each issued a token to them.
        expect(login.requests.filter((r) => r.grant?.accepted)).toHaveLength(1);
        expect(auth0.requests.filter((r) => r.path === "/oauth/token" && r.status === 200)).toHaveLength(1);
        expect(graph.state.servicePrincipals.get(sp.id)?.preferredTokenSigningKeyThumbprint).toBe("2F8B4E1C9A7D3B6E5F0A1C2D3E4F5A6B7C8D9E0F");

        const stored = JSON.stringify(registered);
        expect(stored).toContain("__provider");
        for (const secret of [...SECRETS, ACCESS_TOKEN]) expect(stored).not.toContain(secret);
        for (const k of Object.keys(STACK_CONFIG)) expect(stored).not.toContain(k);
    });
});
