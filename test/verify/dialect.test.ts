import { describe, expect, it } from "vitest";
import {
    addMember,
    createGroupBody,
    createUserBody,
    disableUser,
    filterEq,
    parseTenantUrl,
    removeMember,
    replaceName,
    replaceWorkEmail,
    withOtherOpCase,
} from "../../tools/verify/dialect";
import { entraTenantUrl } from "../../components/helpers/urls";

describe("parseTenantUrl", () => {
    const scim = "https://acme.us.auth0.com/scim/v2/connections/con_abc";

    it("selects the compliant dialect from the stack's tenant URL and strips the flag", () => {
        expect(parseTenantUrl(entraTenantUrl(scim))).toEqual({ scimUrl: scim, dialect: "aadOptscim062020" });
    });

    it("reads the flag case-insensitively, with a value, among other parameters", () => {
        expect(parseTenantUrl(`${scim}?aadOptSCIM062020=true`).dialect).toBe("aadOptscim062020");
        expect(parseTenantUrl(`${scim}/?x=1&aadOptscim062020`)).toEqual({ scimUrl: `${scim}/?x=1`, dialect: "aadOptscim062020" });
    });

    it("falls back to the 2017 dialect without the flag, or with Microsoft's roll-back flag", () => {
        expect(parseTenantUrl(`${scim}/`)).toEqual({ scimUrl: scim, dialect: "scim2017" });
        expect(parseTenantUrl(`${scim}?aadOptscim062020&AzureAdScimPatch2017`)).toEqual({ scimUrl: scim, dialect: "scim2017" });
    });
});

describe("Entra's requests per dialect (Microsoft's compatibility page samples)", () => {
    it('disables with a boolean and lowercase op, or with "False" and Replace', () => {
        expect(disableUser("aadOptscim062020").Operations).toEqual([{ op: "replace", path: "active", value: false }]);
        expect(disableUser("scim2017").Operations).toEqual([{ op: "Replace", path: "active", value: "False" }]);
    });

    it("replaces several attributes in one op with a value object only with the flag", () => {
        const n = { givenName: "Kkom", familyName: "Unua", displayName: "Bjfe" };
        expect(replaceName("aadOptscim062020", n).Operations).toEqual([
            { op: "replace", value: { displayName: "Bjfe", "name.givenName": "Kkom", "name.familyName": "Unua" } },
        ]);
        expect(replaceName("scim2017", n).Operations.map((o) => [o.op, o.path])).toEqual([
            ["Replace", "displayName"],
            ["Replace", "name.givenName"],
            ["Replace", "name.familyName"],
        ]);
    });

    it("keeps the filtered work email path as its own op", () => {
        expect(replaceWorkEmail("aadOptscim062020", "a@b.c").Operations).toEqual([{ op: "replace", path: 'emails[type eq "work"].value', value: "a@b.c" }]);
        expect(replaceWorkEmail("scim2017", "a@b.c").Operations[0].op).toBe("Replace");
    });

    it("removes a member with a value filter (flag) or a value list (2017)", () => {
        expect(removeMember("aadOptscim062020", "7f4b").Operations).toEqual([{ op: "remove", path: 'members[value eq "7f4b"]' }]);
        expect(removeMember("scim2017", "u1091").Operations).toEqual([{ op: "Remove", path: "members", value: [{ value: "u1091" }] }]);
        expect(addMember("aadOptscim062020", "u").Operations[0].op).toBe("add");
        expect(addMember("scim2017", "u").Operations[0].op).toBe("Add");
    });

    it("builds the POST bodies Entra sends", () => {
        const user = createUserBody({ externalId: "x", userName: "u@example.com", workEmail: "u@example.com", givenName: "G", familyName: "F" });
        expect(user).toMatchObject({
            active: true,
            userName: "u@example.com",
            emails: [{ primary: true, type: "work", value: "u@example.com" }],
            meta: { resourceType: "User" },
        });
        expect(user.schemas as string[]).toContain("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");
        const group = createGroupBody("e", "G");
        expect(group.schemas).toContain("http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group");
        expect(group).not.toHaveProperty("members");
    });

    it("flips the op case for the diagnostic variant", () => {
        expect(withOtherOpCase(disableUser("aadOptscim062020")).Operations[0].op).toBe("Replace");
        expect(withOtherOpCase(disableUser("scim2017")).Operations[0].op).toBe("replace");
    });

    it("quotes filter values", () => {
        expect(filterEq("userName", 'a"b')).toBe('userName eq "a\\"b"');
    });
});
