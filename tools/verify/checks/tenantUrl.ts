// Check: the tenant URL Entra is given selects the SCIM 2.0 compliant dialect. Without `?aadOptscim062020`
// Entra sends its older dialect (capitalised ops, "False" strings, one op per attribute), which Auth0's
// walkthrough (step 6) tells the admin to avoid. Pure: sends nothing.
import { AAD_SCIM_FLAG, entraTenantUrl } from "../../../components/helpers/urls";
import { SCIM_2017_FLAG, hasParam } from "../dialect";
import type { ConnectionTarget } from "../report";
import { type RunContext, result } from "./common";

const TITLE = "Tenant URL selects Entra's SCIM 2.0 compliant dialect";

/** Why the target's dialect is the 2017 one, in the user's words; undefined when it is the compliant one. */
function why2017(target: ConnectionTarget): string | undefined {
    if (target.dialect === "aadOptscim062020") return undefined;
    const given = target.entraTenantUrl;
    if (!given) return `the stack output has no entraTenantUrl, so the URL Entra holds is unknown; ${target.scimEndpointUrl} has no ?${AAD_SCIM_FLAG}`;
    const url = new URL(given);
    if (hasParam(url, SCIM_2017_FLAG)) return `the tenant URL ${given} carries Microsoft's roll-back flag ${SCIM_2017_FLAG}`;
    return `the tenant URL ${given} has no ?${AAD_SCIM_FLAG}`;
}

export function checkDialect(ctx: RunContext, target: ConnectionTarget, allowScim2017: boolean): void {
    const cause = why2017(target);
    if (!cause) {
        ctx.record(result("endpoint.dialect", "endpoint", TITLE, "pass", `the tenant URL carries ?${AAD_SCIM_FLAG}: Entra sends the compliant dialect`));
        return;
    }
    if (allowScim2017) {
        ctx.record(
            result(
                "endpoint.dialect",
                "endpoint",
                TITLE,
                "pass",
                `${cause}: Entra's 2017 dialect, allowed by --allow-scim2017 (the conversation below uses it)`,
            ),
        );
        return;
    }
    ctx.record(
        result(
            "endpoint.dialect",
            "endpoint",
            TITLE,
            "fail",
            `${cause}: Entra sends its older dialect (capitalised ops, "False" strings for booleans, one op per attribute), not the SCIM 2.0 compliant one`,
            {
                hint:
                    `give Entra the tenant URL ${entraTenantUrl(target.scimEndpointUrl)} (the stack's entraTenantUrl output; ` +
                    `Provisioning > Admin Credentials > Tenant URL for an app the stack does not manage), or pass --allow-scim2017 if the 2017 dialect is intended`,
            },
        ),
    );
}
