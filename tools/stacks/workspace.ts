// The few Automation API calls the stacks script makes, behind an interface so the plan of actions can be
// tested without the Pulumi CLI (LocalWorkspace shells out to `pulumi`).
import type { ConfigMap } from "@pulumi/pulumi/automation";

export interface WorkspaceStack {
    setAllConfig(config: ConfigMap): Promise<void>;
    removeAllConfig(keys: string[]): Promise<void>;
}

export interface StackWorkspace {
    /** Stack names in the backend for this project. */
    listStacks(): Promise<string[]>;
    /** Stack.createOrSelect: creates the stack (with the workspace's secrets provider) or selects it. */
    createOrSelectStack(name: string): Promise<WorkspaceStack>;
}

export interface WorkspaceOptions {
    /** The project directory (Pulumi.yaml). */
    workDir: string;
    /** PULUMI_BACKEND_URL for every command; absent: the backend `pulumi login` chose. */
    backend?: string;
    /** Secrets provider for stacks created here. */
    secretsProvider?: string;
}

export type WorkspaceFactory = (options: WorkspaceOptions) => Promise<StackWorkspace>;

/** The real workspace: Pulumi's Automation API over the Pulumi CLI. */
export const automationWorkspace: WorkspaceFactory = async (options) => {
    // Loaded only here: the Automation API checks for the CLI as soon as a workspace is made.
    const { LocalWorkspace, Stack } = await import("@pulumi/pulumi/automation");
    const workspace = await LocalWorkspace.create({
        workDir: options.workDir,
        ...(options.secretsProvider ? { secretsProvider: options.secretsProvider } : {}),
        ...(options.backend ? { envVars: { PULUMI_BACKEND_URL: options.backend } } : {}),
    });
    return {
        listStacks: async () => (await workspace.listStacks()).map((s) => s.name),
        createOrSelectStack: async (name) => {
            const stack = await Stack.createOrSelect(name, workspace);
            return {
                setAllConfig: (config) => stack.setAllConfig(config),
                removeAllConfig: (keys) => stack.removeAllConfig(keys),
            };
        },
    };
};
