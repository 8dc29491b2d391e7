// docs/b2b.md: switching a connection between `saml` (or `entra`) and `selfService` replaces its Auth0 connection.
// Two evaluations of the same connection name under Pulumi's mocks: the Auth0 connection gets another URN, and
// nothing (no alias on it or on the component above it) tells the engine the two are one, so a preview shows a
// create and a delete. If an alias is ever added, this fails and docs/b2b.md must change with it.
import { describe, expect, it } from "vitest";
import { runStack } from "../../components/stack";
import { settle, simulate } from "../../tools/plan/simulation";

const CONNECTION = "auth0:index/connection:Connection";

async function connectionOf(entry: Record<string, unknown>) {
    const monitor = await simulate();
    runStack({ auth0Domain: "acme.eu.auth0.com", selfServiceProfile: { name: "Acme customers" }, connections: [entry] });
    await settle();
    const connection = monitor.ofType(CONNECTION).find((r) => r.inputs.name === "customer-a");
    if (!connection) throw new Error("no Auth0 connection named customer-a was registered");
    const parent = monitor.recorded.find((r) => r.urn === connection.parent);
    return { connection, parent, urns: monitor.recorded.map((r) => r.urn) };
}

describe("changing a connection's kind", () => {
    it("gives its Auth0 connection a new URN with no alias to the old one, so Pulumi replaces it", async () => {
        const saml = await connectionOf({ name: "customer-a", saml: { metadataUrl: "https://idp.customer-a.example/metadata" } });
        const selfService = await connectionOf({ name: "customer-a", selfService: {} });

        expect(saml.connection.urn).toMatch(/:Auth0ScimConnection\$auth0:index\/connection:Connection::customer-a-auth0-connection$/);
        expect(selfService.connection.urn).toMatch(/:SelfServiceConnection\$auth0:index\/connection:Connection::customer-a-self-service-connection$/);
        expect(selfService.urns).not.toContain(saml.connection.urn);
        expect(selfService.connection.aliases).toEqual([]);
        expect(selfService.parent?.aliases).toEqual([]);
        // And back: the managed side has no alias to the self-service one either.
        expect(saml.connection.aliases).toEqual([]);
        expect(saml.parent?.aliases).toEqual([]);
    });
});
