// Tests of credentials from stack config run with none of the providers' fallback variables set, so nothing on the
// machine running them (ARM_*, AUTH0_*, a CI's OIDC variables) can supply or change a setting.
const CREDENTIAL_ENV = /^(ARM_|AZURE_|AUTH0_|ACTIONS_ID_TOKEN_|SYSTEM_ACCESSTOKEN|SYSTEM_OIDCREQUESTURI|MSI_|IDENTITY_)/;

/** Removes every variable either provider (or this package's Graph overrides) could fall back to; returns the undo. */
export function clearCredentialEnv(): () => void {
    const saved: Record<string, string | undefined> = {};
    for (const k of Object.keys(process.env).filter((k) => CREDENTIAL_ENV.test(k))) {
        saved[k] = process.env[k];
        delete process.env[k];
    }
    return () => Object.assign(process.env, saved);
}
