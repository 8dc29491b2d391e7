// Credentials set only in the stack config (`pulumi config set --secret auth0:clientSecret`) reach the ScimToken
// provider the way the engine delivers them: the whole stack config in Configure, secrets marked (pulumi/pulumi
// pkg/resource/deploy/target.go GetPackageConfig), unwrapped by the real host and kept by withStackConfig.
import { afterAll, beforeAll, expect, it } from "vitest";
import { dynamicTypeToken } from "../../components/dynamic/dynamicResource";
import { type DynamicHost, secret, startDynamicHost } from "../support/dynamicHost";
import { PROJECT_ROOT, type ProgramRegistration, dynamicRegistrations, registerProgramInChild } from "../support/serializeProvider";
import { AUTH0_CLIENT, type StandIns, exampleConfig, startStandInsFor } from "./scenario";

let s: StandIns;
let host: DynamicHost;
let token: ProgramRegistration;
let config: Record<string, unknown>;

/** Only what points at the stand-ins: no AUTH0_* setting in the provider's environment. */
function withoutAuth0Env(): Record<string, string> {
    const { AUTH0_DOMAIN: _d, AUTH0_CLIENT_ID: _i, AUTH0_CLIENT_SECRET: _s, ...env } = s.env;
    return env;
}

beforeAll(async () => {
    config = exampleConfig();
    const regs = await registerProgramInChild({ cwd: PROJECT_ROOT, entry: "index.ts", config, tsNode: true });
    token = dynamicRegistrations(regs).find((r) => r.type === dynamicTypeToken("ScimToken"))!;
    s = await startStandInsFor([token], String(config["auth0:domain"]));
    host = await startDynamicHost({ cwd: PROJECT_ROOT, env: withoutAuth0Env() });
}, 120_000);

afterAll(async () => {
    await host?.close();
    await s?.close();
});

it("without credentials anywhere, create fails naming the settings to set", async () => {
    await host.configure({ "auth0:domain": config["auth0:domain"] });
    const { inputs } = await host.check(token.urn, {}, token.inputs);
    await expect(host.create(token.urn, inputs)).rejects.toThrow(/auth0:clientId/);
}, 60_000);

it("with auth0:clientId and the secret auth0:clientSecret in the stack config, create issues a token and returns no credential", async () => {
    // A new host: the dynamic host configures each provider text once per process.
    await host.close();
    host = await startDynamicHost({ cwd: PROJECT_ROOT, env: withoutAuth0Env() });
    await host.configure({ ...config, "auth0:clientId": AUTH0_CLIENT.id, "auth0:clientSecret": secret(AUTH0_CLIENT.secret) });
    const { inputs } = await host.check(token.urn, {}, token.inputs);
    const created = await host.create(token.urn, inputs);
    expect(s.auth0.tokens(String(token.inputs.connectionId)).map((t) => t.token_id)).toContain(created.properties.tokenId);
    expect(JSON.stringify(created.properties)).not.toContain(AUTH0_CLIENT.secret);
    expect(host.stdout() + host.stderr()).not.toContain(AUTH0_CLIENT.secret);
}, 60_000);
