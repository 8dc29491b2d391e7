// Opt-in provisioning monitoring: Entra's provisioning and audit logs routed to Log Analytics, and one log
// alert on provisioning failures or quarantine of the stack's own service principals, mailed to an action group.
import * as pulumi from "@pulumi/pulumi";
import * as aadiam from "@pulumi/azure-native/aadiam";
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import { type MonitoringTarget, PROJECT, supportedFrequencyMinutes, tenantKey } from "../config";
import { GUID } from "../helpers/ids";

/** Entra diagnostic categories the alert reads: AADProvisioningLogs (failures) and AuditLogs (quarantine). */
export { supportedFrequencyMinutes };

export const MONITORED_LOG_CATEGORIES = ["ProvisioningLogs", "AuditLogs"] as const;

/**
 * Component name for a tenant monitored from its `monitoring.tenants` entry. Short on purpose: children are
 * named `<this>-workspace` and so on, azure-native appends an 8-character suffix, and a Log Analytics workspace
 * name has at most 63 characters (`monitoring-<tenant id>-workspace` plus the suffix would be 65).
 */
export function tenantMonitoringName(tenantId: string): string {
    return `mon-${tenantKey(tenantId)}`;
}

/**
 * Service principal object ids, lower-cased, deduplicated and sorted so the query text (and so the plan)
 * does not change with connection order. Accepts azuread's resource id form `/servicePrincipals/{id}` too.
 * Anything but a GUID is refused: the ids are spliced into KQL.
 */
export function normalizeServicePrincipalIds(ids: readonly string[]): string[] {
    const out = new Set<string>();
    for (const raw of ids) {
        const id = raw
            .trim()
            .replace(/^\/servicePrincipals\//i, "")
            .toLowerCase();
        if (!GUID.test(id)) {
            throw new Error(`"${raw}" is not a service principal object id (a GUID, or /servicePrincipals/<GUID>)`);
        }
        out.add(id);
    }
    return [...out].sort();
}

/**
 * The alert query: provisioning failures (AADProvisioningLogs, ResultType Failure) and quarantine events
 * (AuditLogs activity "Quarantine", whose target is the service principal) for the given service principals.
 * One row per event, with the dimensions the alert splits on: ServicePrincipalId and Signal.
 */
export function provisioningAlertQuery(servicePrincipalIds: readonly string[], tenantId?: string): string {
    const ids = normalizeServicePrincipalIds(servicePrincipalIds);
    if (ids.length === 0) throw new Error("the alert query needs at least one service principal id");
    if (tenantId !== undefined && !GUID.test(tenantId.toLowerCase())) {
        throw new Error(`"${tenantId}" is not an Entra tenant id (a GUID)`);
    }
    // A workspace may collect several tenants' logs; AADTenantId keeps the alert on this stack's tenant.
    const tenantFilter = tenantId ? `\n| where AADTenantId =~ "${tenantId.toLowerCase()}"` : "";
    return [
        `let servicePrincipalIds = dynamic([${ids.map((id) => `"${id}"`).join(", ")}]);`,
        `let failures = AADProvisioningLogs${tenantFilter}`,
        `| where ResultType =~ "Failure"`,
        `| extend ServicePrincipalId = tolower(tostring(parse_json(ServicePrincipal).Id))`,
        `| where ServicePrincipalId in (servicePrincipalIds)`,
        `| project TimeGenerated, ServicePrincipalId, Signal = "ProvisioningFailure", Detail = ResultDescription;`,
        `let quarantines = AuditLogs${tenantFilter}`,
        `| where ActivityDisplayName =~ "Quarantine" or OperationName =~ "Quarantine"`,
        `| mv-expand Target = TargetResources`,
        `| extend ServicePrincipalId = tolower(tostring(Target.id))`,
        `| where ServicePrincipalId in (servicePrincipalIds)`,
        `| project TimeGenerated, ServicePrincipalId, Signal = "Quarantine", Detail = tostring(ResultReason);`,
        `union failures, quarantines`,
    ].join("\n");
}

/** ISO 8601 duration as Azure Monitor writes it: PT15M, PT1H, P1D. */
export function isoDuration(minutes: number): string {
    if (minutes % 1440 === 0) return `P${minutes / 1440}D`;
    if (minutes % 60 === 0) return `PT${minutes / 60}H`;
    return `PT${minutes}M`;
}

export interface ProvisioningMonitoringArgs {
    /** Resource group, location, workspace, alert e-mails and evaluation frequency (config/monitoring.ts). */
    settings: MonitoringTarget;
    /** Object ids of the stack's service principals (`/servicePrincipals/{id}` is accepted too). */
    servicePrincipalIds: pulumi.Input<string>[];
    /**
     * Entra tenant whose logs are watched; filters the query on AADTenantId. The diagnostic setting is made
     * in the tenant the azure-native provider signs in to: pass a provider for that tenant through `opts`.
     */
    tenantId?: string;
    /** Shown in the alert's name, for stacks that monitor several tenants. */
    tenantLabel?: string;
}

/**
 * Opt-in monitoring for one Entra tenant: a Log Analytics workspace (created unless one is given), a tenant
 * diagnostic setting that sends ProvisioningLogs and AuditLogs to it, an e-mail action group, and a log
 * alert on provisioning failures or quarantine of the stack's service principals.
 */
export class ProvisioningMonitoring extends pulumi.ComponentResource {
    /** Only when the stack creates the workspace. */
    public readonly workspace?: operationalinsights.Workspace;
    /** ARM id of the workspace the logs go to. */
    public readonly workspaceId: pulumi.Output<string>;
    public readonly diagnosticSetting: aadiam.DiagnosticSetting;
    public readonly actionGroup: monitor.ActionGroup;
    public readonly alertRule: monitor.ScheduledQueryRule;
    /** The alert's KQL. */
    public readonly query: pulumi.Output<string>;
    /** The alert's evaluation frequency as Azure runs it (ISO 8601). */
    public readonly evaluationFrequency: string;

    constructor(name: string, args: ProvisioningMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("auth0-entra-scim:index:ProvisioningMonitoring", name, {}, opts);
        const { settings } = args;
        if (args.servicePrincipalIds.length === 0) {
            throw new pulumi.ResourceError(
                `${name}: monitoring has no service principal to watch; it needs at least one connection with an entra block, or monitoring.enabled: false.`,
                this,
            );
        }
        if (settings.alertEmails.length === 0) {
            throw new pulumi.ResourceError(`${name}: monitoring.alertEmails is empty; the alert would notify nobody.`, this);
        }
        const child = { parent: this };

        if (settings.logAnalyticsWorkspaceId) {
            this.workspaceId = pulumi.output(settings.logAnalyticsWorkspaceId);
        } else {
            this.workspace = new operationalinsights.Workspace(
                `${name}-workspace`,
                {
                    resourceGroupName: settings.resourceGroupName,
                    location: settings.location,
                    sku: { name: "PerGB2018" },
                    retentionInDays: 30,
                },
                child,
            );
            this.workspaceId = this.workspace.id;
        }

        this.diagnosticSetting = new aadiam.DiagnosticSetting(
            `${name}-entra-logs`,
            {
                // One tenant holds at most five diagnostic settings; the stack name keeps ours apart.
                name: `${PROJECT}-${pulumi.getStack()}`,
                workspaceId: this.workspaceId,
                logs: MONITORED_LOG_CATEGORIES.map((category) => ({ category, enabled: true })),
                // Its name is fixed per stack and tenant, so a replacement must delete the old one before creating.
            },
            { ...child, deleteBeforeReplace: true },
        );

        this.actionGroup = new monitor.ActionGroup(
            `${name}-action-group`,
            {
                resourceGroupName: settings.resourceGroupName,
                location: "Global",
                enabled: true,
                // Shown in the mail's subject; Azure allows 12 characters.
                groupShortName: "EntraSCIM",
                emailReceivers: settings.alertEmails.map((emailAddress, i) => ({
                    name: `email-${i + 1}`,
                    emailAddress,
                    useCommonAlertSchema: true,
                })),
            },
            child,
        );

        // components/config/monitoring.ts refuses other values; rounding up covers callers that build settings themselves.
        const frequency = supportedFrequencyMinutes(settings.evaluationFrequencyMinutes);
        if (frequency !== settings.evaluationFrequencyMinutes) {
            pulumi.log.warn(
                `monitoring.evaluationFrequencyMinutes ${settings.evaluationFrequencyMinutes} is not a frequency Azure Monitor supports; the alert runs every ${frequency} minutes.`,
                this,
            );
        }
        this.evaluationFrequency = isoDuration(frequency);
        this.query = pulumi.all(args.servicePrincipalIds).apply((ids) => provisioningAlertQuery(ids, args.tenantId));

        this.alertRule = new monitor.ScheduledQueryRule(
            `${name}-provisioning-alert`,
            {
                resourceGroupName: settings.resourceGroupName,
                location: settings.location,
                kind: "LogAlert",
                displayName: `Entra provisioning to Auth0 failing (${pulumi.getStack()}${args.tenantLabel ? `, tenant ${args.tenantLabel}` : ""})`,
                description: "Provisioning failures or quarantine of the Entra enterprise apps that provision users into Auth0 over SCIM.",
                severity: 2,
                enabled: true,
                scopes: [this.workspaceId],
                evaluationFrequency: this.evaluationFrequency,
                // Entra logs arrive minutes late; a window of at least an hour still sees them, and the stateful
                // alert (autoMitigate) mails once per incident instead of once per evaluation.
                windowSize: isoDuration(Math.max(frequency, 60)),
                autoMitigate: true,
                // A new workspace has no AADProvisioningLogs table until the first log arrives; validation would fail.
                skipQueryValidation: true,
                criteria: {
                    allOf: [
                        {
                            query: this.query,
                            timeAggregation: "Count",
                            // The API's own value: azure-native's ConditionOperator enum maps GreaterThan to "gt",
                            // which belongs to another monitor API and is rejected here.
                            operator: "GreaterThan",
                            threshold: 0,
                            dimensions: [
                                { name: "ServicePrincipalId", operator: "Include", values: ["*"] },
                                { name: "Signal", operator: "Include", values: ["*"] },
                            ],
                            failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
                        },
                    ],
                },
                actions: { actionGroups: [this.actionGroup.id] },
            },
            child,
        );

        this.registerOutputs({
            workspaceId: this.workspaceId,
            diagnosticSettingName: this.diagnosticSetting.name,
            actionGroupId: this.actionGroup.id,
            alertRuleId: this.alertRule.id,
            query: this.query,
        });
    }
}

/** The stack's entry point: monitoring only when the config enables it (`StackSettings.monitoring` present). */
export function createProvisioningMonitoring(
    name: string,
    args: Omit<ProvisioningMonitoringArgs, "settings"> & { settings?: MonitoringTarget },
    opts?: pulumi.ComponentResourceOptions,
): ProvisioningMonitoring | undefined {
    if (!args.settings) return undefined;
    return new ProvisioningMonitoring(name, { ...args, settings: args.settings }, opts);
}
