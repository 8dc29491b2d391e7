import { describe, expect, it } from "vitest";
import { REDACTED, Redactor } from "../../tools/verify/redact";
import { TOKEN } from "./helpers";

describe("Redactor", () => {
    const r = new Redactor([TOKEN]);
    const secretPart = TOKEN.slice(TOKEN.indexOf(".") + 1);

    it("redacts the token and its secret part alone", () => {
        expect(r.apply(`Bearer ${TOKEN}`)).toBe(`Bearer ${REDACTED}`);
        expect(r.apply(`echo ${secretPart}`)).toBe(`echo ${REDACTED}`);
    });

    it("redacts the forms a server may echo a secret in: URL-encoded and JSON-escaped", () => {
        // Auth0's token alphabet is not published: a secret with characters both encodings change.
        const odd = 'tok_odd.s3cr+t/with=chars|"quoted"\\back';
        const redactor = new Redactor([odd]);
        expect(encodeURIComponent(odd)).not.toBe(odd);
        expect(JSON.stringify(odd).slice(1, -1)).not.toBe(odd);
        expect(redactor.apply(`x=${encodeURIComponent(odd)}&y=1`)).toBe(`x=${REDACTED}&y=1`);
        expect(redactor.apply(`{"token":${JSON.stringify(odd)}}`)).toBe(`{"token":"${REDACTED}"}`);
    });

    it("redacts inside nested values", () => {
        const out = r.applyDeep({ a: [{ b: `got ${TOKEN}` }] });
        expect(JSON.stringify(out)).not.toContain(secretPart);
    });

    it("ignores empty or very short secrets instead of redacting everything", () => {
        const short = new Redactor(["", "ab", undefined]);
        expect(short.apply("about")).toBe("about");
    });
});

describe("Redactor: free text only", () => {
    const ids = ["endpoint.reachable", "users.delete"];

    it("never redacts inside a fixed check id, though the token is part of it; the same token in free text is redacted", () => {
        const r = new Redactor(["reachable"], ids);
        expect(r.apply("FAIL  endpoint.reachable  HTTP 403 for Bearer reachable")).toBe(`FAIL  endpoint.reachable  HTTP 403 for Bearer ${REDACTED}`);
    });

    it("a token that contains a check id is still redacted whole", () => {
        const r = new Redactor(["xx-endpoint.reachable-yy"], ids);
        expect(r.apply("Bearer xx-endpoint.reachable-yy; endpoint.reachable")).toBe(`Bearer ${REDACTED}; endpoint.reachable`);
    });

    it("leaves the keys of a JSON report alone and redacts the values", () => {
        const r = new Redactor(["reason"], ids);
        expect(r.applyDeep({ id: "users.delete", reason: "reason given", evidence: ["a reason"] })).toEqual({
            id: "users.delete",
            reason: `${REDACTED} given`,
            evidence: [`a ${REDACTED}`],
        });
    });
});
