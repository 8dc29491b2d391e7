// Entry point Pulumi runs for `pulumi preview --policy-pack policy`: it starts the analyzer's gRPC server.
// The policies live in policies.ts so tests can run them without a server.
import { PolicyPack } from "@pulumi/policy";
import { PACK_ENFORCEMENT_LEVEL, POLICY_PACK_NAME, createPolicies } from "./policies";

new PolicyPack(POLICY_PACK_NAME, {
    displayName: "Auth0 inbound SCIM from Microsoft Entra ID",
    description:
        "Guardrails for Auth0 SAML connections provisioned from Entra ID over SCIM: the tenant URL flag, " +
        "assignment, the job template, least-privilege and expiring SCIM tokens, and signing certificate end dates.",
    enforcementLevel: PACK_ENFORCEMENT_LEVEL,
    policies: createPolicies(),
});
