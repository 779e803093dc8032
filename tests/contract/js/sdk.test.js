// The official Databricks SDK for JavaScript (@databricks/sdk-experimental) drives the simulator
// over the console's story (PRODUCT.md §9): tracking, the workspace registry and its transition
// requests, Unity Catalog models and aliases, serving and jobs. Run by
// tests/contract/test_js_sdk_against_sim.py, which starts the simulator, passes SIM_URL,
// SIM_TOKEN and SIM_NONOWNER_TOKEN, and fails the run if the simulator rejected any request.
// Tests run in file order and some change the workspace: each leaves it as the next expects.

"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { WorkspaceClient } = require("@databricks/sdk-experimental");

const host = process.env.SIM_URL;
const owner = new WorkspaceClient({ host, token: process.env.SIM_TOKEN, authType: "pat" });
const analyst = new WorkspaceClient({
  host,
  token: process.env.SIM_NONOWNER_TOKEN,
  authType: "pat",
});

const CHURN_EXPERIMENT = "/Shared/churn/training";
const UC_MODEL = "main.ml.churn_model";

async function all(iterable) {
  const out = [];
  for await (const item of iterable) out.push(item);
  return out;
}

async function rejects(promise, statusCode) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.statusCode, statusCode, `${e.message}`);
    return true;
  });
}

function tagsOf(list) {
  return Object.fromEntries((list || []).map((t) => [t.key, t.value]));
}

async function sweep() {
  const { experiment } = await owner.experiments.getByName({ experiment_name: CHURN_EXPERIMENT });
  const [parent] = await all(
    owner.experiments.searchRuns({
      experiment_ids: [experiment.experiment_id],
      filter: "attributes.run_name = 'xgb-hyperopt-sweep'",
    }),
  );
  return { experiment, parent };
}

test("identity", async () => {
  const me = await owner.currentUser.me();
  assert.equal(me.userName, "ml-eng@acme.com");
  await rejects(
    new WorkspaceClient({ host, token: "wrong-token", authType: "pat" }).currentUser.me(),
    401,
  );
});

test("tracking: experiments and runs", async () => {
  const exps = await all(owner.experiments.searchExperiments({ max_results: 5 }));
  const names = exps.map((e) => e.name);
  assert.ok(names.includes(CHURN_EXPERIMENT) && names.includes("/Shared/fraud/training"));
  assert.ok(exps.length > 5, "the SDK followed next_page_token");
  const everything = await all(owner.experiments.searchExperiments({ view_type: "ALL" }));
  assert.ok(everything.length >= exps.length);

  const { experiment, parent } = await sweep();
  const again = await owner.experiments.getExperiment({ experiment_id: experiment.experiment_id });
  assert.equal(again.experiment.name, CHURN_EXPERIMENT);
  const runs = await all(
    owner.experiments.searchRuns({ experiment_ids: [experiment.experiment_id], max_results: 7 }),
  );
  assert.ok(runs.length >= 40, `baseline runs and a sweep, ${runs.length}`);

  const trials = await all(
    owner.experiments.searchRuns({
      experiment_ids: [experiment.experiment_id],
      filter: `tags.mlflow.parentRunId = '${parent.info.run_id}'`,
      order_by: ["metrics.loss ASC"],
      max_results: 9,
    }),
  );
  assert.equal(trials.length, 40);
  const losses = trials.map((t) => t.data.metrics.find((m) => m.key === "loss").value);
  assert.deepEqual(losses, [...losses].sort((a, b) => a - b));
  const best = await owner.experiments.getRun({ run_id: trials[0].info.run_id });
  assert.equal(best.run.info.run_id, trials[0].info.run_id);
  assert.equal(tagsOf(best.run.data.tags)["mlflow.parentRunId"], parent.info.run_id);
});

test("tracking: metric history and artifacts come in pages", async () => {
  const { experiment, parent } = await sweep();
  const [trial] = await all(
    owner.experiments.searchRuns({
      experiment_ids: [experiment.experiment_id],
      filter: `tags.mlflow.parentRunId = '${parent.info.run_id}'`,
      max_results: 1,
    }),
  );
  const history = await all(
    owner.experiments.getHistory({ run_id: trial.info.run_id, metric_key: "val_auc", max_results: 7 }),
  );
  assert.deepEqual(
    history.map((h) => h.step),
    [...Array(30).keys()],
  );
  const root = await all(owner.experiments.listArtifacts({ run_id: trial.info.run_id }));
  assert.deepEqual(
    root.map((f) => [f.path, f.is_dir]),
    [
      ["model", true],
      ["plots", true],
    ],
  );
  const plots = await all(owner.experiments.listArtifacts({ run_id: trial.info.run_id, path: "plots" }));
  assert.equal(plots.length, 6, "both pages");
  assert.ok(plots.every((f) => f.file_size > 0));
});

function stagesOf(versions) {
  return Object.fromEntries(versions.map((v) => [v.version, v.current_stage]));
}

async function fraudStages() {
  return stagesOf(await all(owner.modelRegistry.searchModelVersions({ filter: "name='fraud_model'" })));
}

test("workspace registry: models, versions and stages", async () => {
  const found = await all(owner.modelRegistry.searchModels({ filter: "name LIKE '%fraud%'" }));
  assert.deepEqual(
    found.map((m) => m.name),
    ["fraud_model"],
  );
  const listed = await all(owner.modelRegistry.listModels({ max_results: 2 }));
  assert.ok(listed.length >= 5 && listed.some((m) => m.name === "fraud_model"));
  const model = (await owner.modelRegistry.getModel({ name: "fraud_model" })).registered_model_databricks;
  assert.equal(model.permission_level, "CAN_MANAGE");
  assert.ok(model.id);
  assert.deepEqual(await fraudStages(), {
    1: "Archived",
    2: "Archived",
    3: "Production",
    4: "Staging",
    5: "None",
  });
  const latest = await all(owner.modelRegistry.getLatestVersions({ name: "fraud_model", stages: ["Production"] }));
  assert.deepEqual(
    latest.map((v) => v.version),
    ["3"],
  );
  const v3 = await owner.modelRegistry.getModelVersion({ name: "fraud_model", version: "3" });
  const uri = await owner.modelRegistry.getModelVersionDownloadUri({ name: "fraud_model", version: "3" });
  assert.equal(uri.artifact_uri, v3.model_version.source);
  await owner.modelRegistry.setModelVersionTag({ name: "fraud_model", version: "3", key: "k", value: "v" });
  await owner.modelRegistry.deleteModelVersionTag({ name: "fraud_model", version: "3", key: "k" });
  const after = await owner.modelRegistry.getModelVersion({ name: "fraud_model", version: "3" });
  assert.equal(tagsOf(after.model_version.tags).k, undefined);
});

test("workspace registry: transition requests, approvals and comments", async () => {
  const v4 = await all(owner.modelRegistry.listTransitionRequests({ name: "fraud_model", version: "4" }));
  assert.deepEqual(
    v4.map((r) => [r.to_stage, r.user_id, r.activity_type]),
    [["Production", "priya.natarajan@acme.com", "REQUESTED_TRANSITION"]],
  );
  const approved = await owner.modelRegistry.approveTransitionRequest({
    name: "fraud_model",
    version: "4",
    stage: "Production",
    archive_existing_versions: true,
    comment: "approved in review",
  });
  assert.equal(approved.activity.activity_type, "APPROVED_REQUEST");
  assert.deepEqual(await fraudStages(), {
    1: "Archived",
    2: "Archived",
    3: "Archived",
    4: "Production",
    5: "None",
  });
  const rejected = await owner.modelRegistry.rejectTransitionRequest({
    name: "fraud_model",
    version: "5",
    stage: "Staging",
    comment: "not yet",
  });
  assert.equal(rejected.activity.activity_type, "REJECTED_REQUEST");

  await rejects(
    analyst.modelRegistry.transitionStage({
      name: "fraud_model",
      version: "3",
      stage: "Production",
      archive_existing_versions: true,
    }),
    403,
  );
  const created = await analyst.modelRegistry.createTransitionRequest({
    name: "fraud_model",
    version: "3",
    stage: "Production",
    comment: "roll back?",
  });
  assert.equal(created.request.user_id, "analyst@acme.com");
  const moved = await owner.modelRegistry.transitionStage({
    name: "fraud_model",
    version: "3",
    stage: "Production",
    archive_existing_versions: true,
    comment: "roll back",
  });
  assert.equal(moved.model_version_databricks.current_stage, "Production");
  const comment = await owner.modelRegistry.createComment({
    name: "fraud_model",
    version: "3",
    comment: "back on v3",
  });
  assert.equal(comment.comment.comment, "back on v3");
});

test("unity catalog: models, versions and aliases", async () => {
  const inSchema = await all(
    owner.registeredModels.list({ catalog_name: "main", schema_name: "ml", max_results: 2 }),
  );
  assert.ok(inSchema.some((m) => m.full_name === UC_MODEL));
  const everywhere = await all(owner.registeredModels.list({}));
  assert.ok(everywhere.length >= inSchema.length, "empty pages with a token are read through");
  const model = await owner.registeredModels.get({ full_name: UC_MODEL, include_aliases: true });
  const aliases = Object.fromEntries(model.aliases.map((a) => [a.alias_name, a.version_num]));
  assert.deepEqual(aliases, { champion: 4, challenger: 5 });
  const versions = await all(owner.modelVersions.list({ full_name: UC_MODEL }));
  assert.deepEqual(
    versions.map((v) => v.version).sort(),
    [1, 2, 3, 4, 5],
  );
  const v5 = await owner.modelVersions.get({ full_name: UC_MODEL, version: 5, include_aliases: true });
  assert.deepEqual(
    v5.aliases.map((a) => a.alias_name),
    ["challenger"],
  );
  const champion = await owner.modelVersions.getByAlias({ full_name: UC_MODEL, alias: "champion" });
  assert.equal(champion.version, 4);

  const set = await owner.registeredModels.setAlias({ full_name: UC_MODEL, alias: "champion", version_num: 5 });
  assert.deepEqual([set.alias_name, set.version_num], ["champion", 5]);
  await rejects(analyst.registeredModels.setAlias({ full_name: UC_MODEL, alias: "champion", version_num: 4 }), 403);
  await owner.registeredModels.setAlias({ full_name: UC_MODEL, alias: "champion", version_num: 4 });
  await owner.registeredModels.setAlias({ full_name: UC_MODEL, alias: "shadow", version_num: 3 });
  await owner.registeredModels.deleteAlias({ full_name: UC_MODEL, alias: "shadow" });
  await rejects(owner.modelVersions.getByAlias({ full_name: UC_MODEL, alias: "shadow" }), 404);
});

const CUSTOMER = {
  tenure_months: 3,
  monthly_charges: 89.5,
  support_tickets: 4,
  contract_type: "month-to-month",
  num_products: 1,
};

function routesOf(endpoint) {
  return Object.fromEntries(
    endpoint.config.traffic_config.routes.map((r) => [r.served_entity_name || r.served_model_name, r.traffic_percentage]),
  );
}

test("serving: list, get, config update and query", async () => {
  const endpoints = await all(owner.servingEndpoints.list());
  assert.deepEqual(endpoints.map((e) => e.name).sort(), ["churn-prod", "fraud-scoring", "recsys-staging"]);
  const prod = await owner.servingEndpoints.get({ name: "churn-prod" });
  assert.equal(prod.state.ready, "READY");
  assert.deepEqual(routesOf(prod), { "churn_model-4": 90, "churn_model-5": 10 });
  const failed = await owner.servingEndpoints.get({ name: "recsys-staging" });
  assert.equal(failed.state.config_update, "UPDATE_FAILED");
  await rejects(owner.servingEndpoints.get({ name: "no-such-endpoint" }), 404);

  const entities = prod.config.served_entities.map((e) => ({
    name: e.name,
    entity_name: e.entity_name,
    entity_version: e.entity_version,
    workload_size: e.workload_size,
    scale_to_zero_enabled: e.scale_to_zero_enabled,
  }));
  const waiter = await owner.servingEndpoints.updateConfig({
    name: "churn-prod",
    served_entities: entities,
    traffic_config: {
      routes: [
        { served_entity_name: "churn_model-4", traffic_percentage: 80 },
        { served_entity_name: "churn_model-5", traffic_percentage: 20 },
      ],
    },
  });
  assert.equal(waiter.state.config_update, "IN_PROGRESS");
  const done = await waiter.wait();
  assert.equal(done.state.config_update, "NOT_UPDATING");
  assert.equal(done.config.config_version, prod.config.config_version + 1);
  assert.deepEqual(routesOf(done), { "churn_model-4": 80, "churn_model-5": 20 });

  let answered = 0;
  for (let i = 0; i < 20 && answered < 3; i++) {
    try {
      const r = await owner.servingEndpoints.query({ name: "churn-prod", dataframe_records: [CUSTOMER] });
      assert.equal(r.predictions.length, 1);
      assert.ok(r.predictions[0] > 0.5 && r.predictions[0] < 1.0);
      answered++;
    } catch (e) {
      // The simulated model fails now and then, as a real one does (5xx).
      assert.ok(e.statusCode >= 500, `${e.message}`);
    }
  }
  assert.equal(answered, 3);
});

test("jobs: list, get, run history, run-now and cancel", async () => {
  const jobs = await all(owner.jobs.list({}));
  const byName = Object.fromEntries(jobs.map((j) => [j.settings.name, j]));
  assert.deepEqual(Object.keys(byName).sort(), ["churn-batch-score", "churn-retrain", "feature-refresh"]);
  assert.equal((await all(owner.jobs.list({ limit: 1 }))).length, 3, "the SDK followed next_page_token");
  const retrain = await owner.jobs.get({ job_id: byName["churn-retrain"].job_id });
  const defaults = Object.fromEntries(retrain.settings.parameters.map((p) => [p.name, p.default]));
  assert.equal(defaults.max_depth, "6");

  const refresh = await all(owner.jobs.listRuns({ job_id: byName["feature-refresh"].job_id, limit: 5 }));
  assert.equal(refresh.length, 24, "hourly runs over a day, in pages of 5");
  const starts = refresh.map((r) => r.start_time);
  assert.deepEqual(starts, [...starts].sort((a, b) => b - a));
  const active = await all(owner.jobs.listRuns({ job_id: retrain.job_id, active_only: true }));
  assert.deepEqual(
    active.map((r) => r.state.life_cycle_state),
    ["RUNNING"],
  );

  const started = await owner.jobs.runNow({ job_id: retrain.job_id, job_parameters: { max_depth: "7" } });
  assert.ok(started.run_id > 0);
  const run = await owner.jobs.getRun({ run_id: started.run_id });
  assert.equal(run.job_id, retrain.job_id);
  const params = Object.fromEntries(run.job_parameters.map((p) => [p.name, p.value ?? p.default]));
  assert.equal(params.max_depth, "7");
  const cancelled = await (await owner.jobs.cancelRun({ run_id: started.run_id })).wait();
  assert.equal(cancelled.state.result_state, "CANCELED");
  await rejects(owner.jobs.get({ job_id: 123 }), 400);
});
