// Which failures of one Management API call are retried: what the auth0 SDK raises, read by describeFailure, and
// retryManagementCall's policy. The provider tests drive the same policy against the Auth0 stand-in over HTTP.
import { ManagementError } from "auth0";
import { describe, expect, it } from "vitest";
import { type Auth0Failure, type RetryPolicy, describeFailure, retryManagementCall } from "../../components/clients/auth0Management";

function policy(sleeps: number[]): RetryPolicy {
    return { maxAttempts: 4, maxDelayMs: 60_000, sleep: async (ms) => void sleeps.push(ms), now: () => 0 };
}

/** Fails with each error in turn, then answers "ok"; counts the calls. */
function failing(...errors: unknown[]) {
    let calls = 0;
    return {
        calls: () => calls,
        fn: async () => {
            calls++;
            if (calls <= errors.length) throw errors[calls - 1];
            return "ok";
        },
    };
}

const giveUp = (f: Auth0Failure, attempts: number) =>
    new Error(`gave up after ${attempts}: ${f.status} ${f.apiMessage ?? ""}${f.tokenRequest ? " (token request)" : ""}`);

// What the SDK's token provider throws when POST /oauth/token gets no answer: fetch's own error, not a ManagementError.
const networkFailure = () => new TypeError("fetch failed", { cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }) });

describe("the access-token request", () => {
    it("a network failure is read as no response to the token request", () => {
        expect(describeFailure(networkFailure())).toEqual({ status: 0, apiMessage: "no response (ECONNRESET)", tokenRequest: true });
    });

    it("is retried after a network failure or a 503 even for a call that is not idempotent: the call was never sent", async () => {
        const sleeps: number[] = [];
        const unavailable = new ManagementError({ message: "ManagementClient: token request failed", statusCode: 503, body: "Service Unavailable" });
        const call = failing(networkFailure(), unavailable);
        await expect(retryManagementCall(policy(sleeps), false, call.fn, giveUp)).resolves.toBe("ok");
        expect(call.calls()).toBe(3);
        expect(sleeps).toHaveLength(2);
    });

    it("is not retried when the grant is rejected", async () => {
        const denied = new ManagementError({
            message: "ManagementClient: token request failed",
            statusCode: 401,
            body: { error: "access_denied", error_description: "Unauthorized" },
        });
        const call = failing(denied);
        await expect(retryManagementCall(policy([]), true, call.fn, giveUp)).rejects.toThrow("gave up after 1: 401 Unauthorized (token request)");
        expect(call.calls()).toBe(1);
    });

    it("gives up after the bounded attempts, naming the token request", async () => {
        const call = failing(networkFailure(), networkFailure(), networkFailure(), networkFailure(), networkFailure());
        await expect(retryManagementCall(policy([]), false, call.fn, giveUp)).rejects.toThrow("gave up after 4: 0 no response (ECONNRESET) (token request)");
    });
});

describe("the call itself", () => {
    it("is not repeated after a 503 when it is not idempotent (Auth0 may have run it)", async () => {
        const call = failing(
            new ManagementError({ message: "Service Unavailable", statusCode: 503, body: { statusCode: 503, error: "Service Unavailable", message: "busy" } }),
        );
        await expect(retryManagementCall(policy([]), false, call.fn, giveUp)).rejects.toThrow("gave up after 1: 503 busy");
    });

    it("rethrows an error the SDK did not raise as it is", async () => {
        const bug = new RangeError("a bug");
        await expect(retryManagementCall(policy([]), true, failing(bug).fn, giveUp)).rejects.toBe(bug);
    });
});
