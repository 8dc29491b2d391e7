// Records test/fixtures/stack-shape.json: what a tree of this project registers for a few configs.
// Run it in a checkout of the commit to compare against (node_modules linked), e.g.
//   git archive <commit> | tar -x -C /tmp/old && cp test/support/{stackShape,recordStackShape}.ts /tmp/old/test/support/ &&
//   ln -s "$PWD/node_modules" /tmp/old/ && (cd /tmp/old && npx ts-node --transpile-only test/support/recordStackShape.ts "<commit>") &&
//   cp /tmp/old/test/fixtures/stack-shape.json test/fixtures/
import * as fs from "node:fs";
import { generateStackConfig } from "../../tools/bench/generate";
import { SHAPE_FIXTURE, stackShape } from "./stackShape";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const OTHER_TENANT = "0d9b3a5c-8a0e-4d8e-b2d1-6c5f3f0e9a77";

/**
 * Pulumi.example.yaml (a managed connection with every option, an Auth0-only one); tenants (own, other, own named) and
 * monitoring; the bench mix; B2B (a self-service connection, enabled clients, organizations, the profile).
 */
const CONFIGS: Record<string, unknown> = {
    example: "example",
    multiTenantMonitored: {
        auth0Domain: "acme.eu.auth0.com",
        entraTenantId: TENANT,
        connections: [
            { name: "a", entra: { tenantId: OTHER_TENANT, appName: "A" } },
            { name: "b", entra: { tenantId: OTHER_TENANT.toUpperCase(), appName: "B" } },
            { name: "c", entra: {} },
            { name: "d", entra: { tenantId: TENANT, appName: "D" } },
            { name: "e", saml: { metadataUrl: "https://idp.example/metadata.xml" } },
        ],
        monitoring: {
            enabled: true,
            resourceGroupName: "rg",
            location: "westeurope",
            alertEmails: ["ops@contoso.example"],
            tenants: { [OTHER_TENANT]: { subscriptionId: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee" } },
        },
    },
    bench12: generateStackConfig(12).raw,
    b2b: {
        auth0Domain: "acme.eu.auth0.com",
        selfServiceProfile: { name: "Acme customers", userAttributes: [{ name: "email", description: "Work e-mail", isOptional: false }] },
        connections: [
            {
                name: "customer-a",
                selfService: { domainVerification: "optional", pendingDomains: ["customer-a.example"] },
                enabledClients: ["J7KLi9u0fUGTrBds0cZaxx7bZmjeyGaX"],
                organizations: [{ id: "org_bCE84ZIRjtX58FeO", assignMembershipOnLogin: true }],
            },
            { name: "customer-b", saml: { metadataUrl: "https://idp.customer-b.example/metadata" }, organizations: [{ id: "org_bCE84ZIRjtX58FeO" }] },
        ],
    },
};

async function main(generatedFrom: string): Promise<void> {
    const shapes: Record<string, unknown> = {};
    for (const [name, raw] of Object.entries(CONFIGS)) shapes[name] = await stackShape(raw as Parameters<typeof stackShape>[0]);
    fs.writeFileSync(SHAPE_FIXTURE, `${JSON.stringify({ generatedFrom, configs: CONFIGS, shapes }, null, 1)}\n`);
}

main(process.argv[2] ?? "unknown").catch((err) => {
    console.error(err);
    process.exit(1);
});
