// Check 3: what the token can do against what Entra needs, from the declared scopes and from what the
// endpoint actually allowed or refused during the conversation.
import { GROUP_TOKEN_SCOPES, USER_TOKEN_SCOPES } from "../../../components/config";
import { type RunContext, result } from "./common";

/** What breaks in Entra's provisioning when the token lacks a scope. */
export const SCOPE_CONSEQUENCES: Record<string, string> = {
    "get:users": "Entra cannot look users up: Test Connection and every cycle fail, and the job goes to quarantine",
    "post:users": "newly assigned users are never created in Auth0",
    "patch:users": "updates fail, and so do disables (unassignment, blocked sign-in): users keep access",
    "delete:users": "Entra's deletes fail (after a user is hard-deleted in Entra), leaving accounts in Auth0",
    "get:groups": "Entra cannot look groups up: group provisioning fails",
    "post:groups": "assigned groups are never created in Auth0",
    "patch:groups": "membership changes fail: people keep or never get their groups",
    "delete:groups": "removed groups stay in Auth0",
};

function consequence(scopes: string[]): string {
    return scopes.map((s) => `without ${s}, ${SCOPE_CONSEQUENCES[s] ?? "unknown effect"}`).join("; ");
}

export function checkScopes(ctx: RunContext, groupsChecked: boolean): void {
    const declared = ctx.scopes;
    const denied = [...ctx.deniedScopes.entries()];
    const deniedUsers = denied.filter(([s]) => s.endsWith(":users"));
    const deniedGroups = denied.filter(([s]) => s.endsWith(":groups"));

    // Users: Entra always needs all four.
    const missingUsers = declared ? USER_TOKEN_SCOPES.filter((s) => !declared.includes(s)) : [];
    const evidence = denied.map(([s, line]) => `${s}: ${line}`);
    if (missingUsers.length || deniedUsers.length) {
        const lacking = [...new Set([...missingUsers, ...deniedUsers.map(([s]) => s)])];
        const parts: string[] = [];
        if (missingUsers.length) parts.push(`the token is declared without ${missingUsers.join(" ")}`);
        if (deniedUsers.length)
            parts.push(
                `the endpoint refused ${deniedUsers.map(([s]) => s).join(" ")}${declared && deniedUsers.some(([s]) => declared.includes(s)) ? " although the token is declared with it (the token in use is not the one the stack describes)" : ""}`,
            );
        ctx.record(
            result("scopes.users", "scopes", "Token can do what Entra needs for users", "fail", `${parts.join("; ")}: ${consequence(lacking)}`, {
                hint: `issue the token with ${USER_TOKEN_SCOPES.join(" ")} (stack config scim.tokenScopes, then pulumi up)`,
                evidence,
            }),
        );
    } else {
        const extra = declared?.filter((s) => s === "put:users") ?? [];
        const seen = USER_TOKEN_SCOPES.filter((s) => ctx.workedScopes.has(s));
        const unseen = USER_TOKEN_SCOPES.filter((s) => !ctx.workedScopes.has(s));
        const basis = declared ? `declared with ${USER_TOKEN_SCOPES.join(" ")}` : "scopes not declared (pass --scopes to compare)";
        const observed = seen.length ? `; observed working: ${seen.join(" ")}` : "";
        const notObserved = unseen.length ? `; not exercised: ${unseen.join(" ")}` : "";
        const status = !declared && unseen.length ? "skip" : "pass";
        ctx.record(
            result(
                "scopes.users",
                "scopes",
                "Token can do what Entra needs for users",
                status,
                `${basis}${observed}${notObserved}${extra.length ? `; ${extra.join(" ")} is not used by Entra (least privilege: drop it)` : ""}`,
                {
                    hint:
                        status === "skip"
                            ? "the conversation did not run far enough to show every operation; pass --scopes or fix the failures above"
                            : undefined,
                },
            ),
        );
    }

    // Groups: all or nothing.
    const declaredGroups = declared?.filter((s) => s.endsWith(":groups") && s !== "put:groups") ?? null;
    if (declaredGroups === null && !groupsChecked) {
        ctx.record(
            result("scopes.groups", "scopes", "Token matches Entra's group provisioning", "skip", "token scopes unknown and groups not checked", {
                hint: "pass --scopes (or --groups) to check group provisioning",
            }),
        );
        return;
    }
    const missingGroups = declaredGroups && declaredGroups.length > 0 ? GROUP_TOKEN_SCOPES.filter((s) => !declaredGroups.includes(s)) : [];
    if (missingGroups.length || deniedGroups.length) {
        const lacking = [...new Set([...missingGroups, ...deniedGroups.map(([s]) => s)])];
        ctx.record(
            result(
                "scopes.groups",
                "scopes",
                "Token matches Entra's group provisioning",
                "fail",
                `the token has some group scopes but lacks ${lacking.join(" ")}: ${consequence(lacking)}`,
                {
                    hint: `grant all of ${GROUP_TOKEN_SCOPES.join(" ")} (stack config entra.provisionGroups: true), or none and keep Entra's group mapping disabled`,
                    evidence,
                },
            ),
        );
    } else if (declaredGroups && declaredGroups.length === 0) {
        ctx.record(
            result(
                "scopes.groups",
                "scopes",
                "Token matches Entra's group provisioning",
                "pass",
                'no group scopes: Entra\'s "Provision Microsoft Entra ID Groups" mapping must stay disabled (the stack disables it when entra.provisionGroups is false)',
            ),
        );
    } else {
        ctx.record(
            result(
                "scopes.groups",
                "scopes",
                "Token matches Entra's group provisioning",
                "pass",
                declaredGroups ? `declared with ${GROUP_TOKEN_SCOPES.join(" ")}` : "group operations worked",
            ),
        );
    }
}
