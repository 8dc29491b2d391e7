import { describe, expect, it } from "vitest";
import { REDACTED, Redactor } from "../../tools/verify/redact";
import { TOKEN } from "./helpers";

describe("Redactor", () => {
    const r = new Redactor([TOKEN]);
    const secretPart = TOKEN.slice(TOKEN.indexOf(".") + 1);

    it("redacts the token, its URL-encoded form and its secret part alone", () => {
        expect(r.apply(`Bearer ${TOKEN}`)).toBe(`Bearer ${REDACTED}`);
        expect(r.apply(`x=${encodeURIComponent(TOKEN)}`)).not.toContain(secretPart);
        expect(r.apply(`echo ${secretPart}`)).toBe(`echo ${REDACTED}`);
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
