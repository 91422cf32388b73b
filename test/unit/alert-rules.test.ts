// The alert and cost rules and the Grafana dashboards, checked with Prometheus's own tool: the rules load,
// their unit tests pass (each alert fires on its situation and stays quiet beside it), both Prometheus
// configurations load them, every query is valid PromQL over metrics that exist, every alert names a runbook
// section that exists, and the dashboards in deploy/ are what scripts/cluster-dashboards.ts generates.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { exportedMetricNames } from '../helpers/metric-names';
import { createWorkerMetrics } from '../../observability/metrics';
import { PRICES } from '../../bench/effectiveness-report';
import { PRICE_PER_MILLION_ACTIONS_USD } from '../../bench/actions';
import { prometheusConfig } from '../../scripts/cluster';
import { clusterPorts, PROMETHEUS_DIR, RULE_FILES } from '../../scripts/cluster-topology';
import { DASHBOARDS, DASHBOARD_DIR, dashboardFile, dashboardText } from '../../scripts/cluster-dashboards';

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const rules: Rule[] = RULE_FILES.flatMap((f) => (parse(readFileSync(path.join(PROMETHEUS_DIR, f), 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules));

/** Metrics the Temporal TypeScript SDK exports from a worker (seen on a worker's endpoint; the failure counters appear with the first failure). */
const SDK_METRICS = [
  'temporal_workflow_task_schedule_to_start_latency',
  'temporal_activity_schedule_to_start_latency',
  'temporal_workflow_task_execution_failed',
  'temporal_activity_execution_failed',
  'temporal_workflow_completed',
  'temporal_workflow_failed',
  'temporal_worker_task_slots_available',
  'temporal_num_pollers',
];
/** Metrics the Temporal server's services export (seen on the cluster's services). */
const SERVER_METRICS = ['service_requests', 'service_latency', 'persistence_latency', 'persistence_error_with_type', 'action', 'up'];
const PROMQL_WORDS = new Set(['and', 'or', 'unless', 'offset', 'bool', 'inf', 'nan']);

/** The metric names a PromQL expression reads (labels, strings, ranges and functions removed). */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\[[^\]]*\]/g, '');
  return [...bare.matchAll(/\b[a-zA-Z_:][\w:]*\b(?!\s*\()/g)].map((m) => m[0]).filter((t) => !PROMQL_WORDS.has(t.toLowerCase()));
}

function promtool(args: string[], cwd = PROMETHEUS_DIR) {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw new Error(`promtool is not available (npm test provisions it with Debian's prometheus package): ${r.error.message}`);
  return r;
}

describe('alert rules, cost rules and dashboards', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'folio-rules-'));
  let exported: Set<string>;

  after(() => rmSync(tmp, { recursive: true, force: true }));

  before(async () => {
    exported = await exportedMetricNames();
  });

  it('load, and pass their promtool unit tests', () => {
    const check = promtool(['check', 'rules', ...RULE_FILES]);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    const test = promtool(['test', 'rules', 'alerts.test.yml']);
    assert.equal(test.status, 0, test.stdout + test.stderr);
    assert.match(test.stdout, /SUCCESS/);
  });

  it('alert on everything an operator must act on, each with a unit test and a runbook section', () => {
    const alerts = rules.filter((r) => r.alert);
    const names = alerts.map((r) => r.alert!);
    for (const needed of ['FoliosNeedingAPersonRising', 'NoFolioCompleted', 'CallFailureRateHigh', 'WebhookSignatureFailures', 'InboxLagging', 'ProjectionLagging', 'WorkflowTaskScheduleToStartHigh', 'WorkflowTaskFailures', 'DeadLetters']) {
      assert.ok(names.includes(needed), `no ${needed} alert`);
    }
    const tests = readFileSync(path.join(PROMETHEUS_DIR, 'alerts.test.yml'), 'utf8');
    const runbook = readFileSync(path.join(PROMETHEUS_DIR, '..', '..', 'docs', 'runbook.md'), 'utf8');
    const anchors = new Set([...runbook.matchAll(/^#+ (.+)$/gm)].map((m) => m[1]!.toLowerCase().replace(/[^\w\s-]/g, '').trim().replace(/\s+/g, '-')));
    for (const a of alerts) {
      assert.ok(new RegExp(`alertname: ${a.alert}\\n(?:.*\\n){0,2}\\s+exp_alerts:\\n\\s+- exp_labels`).test(tests), `${a.alert} has no unit test where it fires`);
      assert.ok(['page', 'ticket'].includes(a.labels?.severity ?? ''), `${a.alert} has no severity`);
      const anchor = a.annotations?.runbook?.split('#')[1];
      assert.ok(anchor && anchors.has(anchor), `${a.alert} points at runbook section #${anchor}, which docs/runbook.md does not have`);
    }
  });

  it('read only metrics that exist: ours, the SDK workers\', the Temporal server\'s, or recorded ones', async () => {
    assert.deepEqual(metricNames('sum by (le) (rate(a_b{x="y"}[5m])) / clamp_min(folio:c, 1) and d offset 1h > 1e6'), ['a_b', 'folio:c', 'd']);
    const recorded = new Set(rules.flatMap((r) => (r.record ? [r.record] : [])));
    const exprs = [...rules.map((r) => r.expr), ...DASHBOARDS.flatMap((d) => d.panels.flatMap((p) => p.queries.map((x) => x.expr)))];
    for (const expr of exprs) {
      for (const name of metricNames(expr)) {
        const base = name.replace(/_(bucket|sum|count)$/, '');
        const known = recorded.has(name) || exported.has(base) || SDK_METRICS.includes(base) || SERVER_METRICS.includes(base);
        assert.ok(known, `${name} in \`${expr}\` is neither exported nor recorded`);
      }
    }
    // the figures other parts of the system feed are defined, so rules, dashboards and feeders share one name
    for (const m of ['folio_dead_letters', 'folio_inbox_lag_seconds', 'folio_projection_lag_seconds', 'folio_call_seconds']) assert.ok(exported.has(m), m);
    // the projection figures the rules read are a worker's, served on its operations endpoint (job folio-worker-ops)
    const worker = new Set((await createWorkerMetrics().registry.getMetricsAsJSON()).map((m) => m.name));
    const projectionRules = rules.filter((r) => /folio_projection_/.test(r.expr));
    assert.ok(projectionRules.length >= 2, 'the projection lag and write failures are not both watched');
    for (const r of projectionRules) for (const name of metricNames(r.expr)) assert.ok(worker.has(name.replace(/_(bucket|sum|count)$/, '')), `${name} is not on the worker's operations endpoint`);
  });

  it('price calls and actions as the benchmarks do', () => {
    const costs = readFileSync(path.join(PROMETHEUS_DIR, 'costs.yml'), 'utf8');
    assert.ok(costs.includes(`/ 60 * ${PRICES.twilioPerMinute}\n`), 'Twilio per minute');
    assert.ok(costs.includes(`* ${PRICES.twilioAmdPerCall}\n`), 'answering-machine detection per call');
    assert.ok(costs.includes(`/ 60 * ${PRICES.elevenLabsAgentPerMinute}\n`), 'voice agent per minute');
    assert.ok(costs.includes(`* ${PRICE_PER_MILLION_ACTIONS_USD} / 1e6`), 'Temporal actions per million');
  });

  it('are loaded by the Prometheus configurations of docker-compose and of the local cluster', () => {
    const compose = promtool(['check', 'config', 'prometheus.yml']);
    assert.equal(compose.status, 0, compose.stdout + compose.stderr);
    const file = path.join(tmp, 'cluster-prometheus.yml');
    writeFileSync(file, prometheusConfig(clusterPorts(0), 2));
    const cluster = promtool(['check', 'config', file], tmp);
    assert.equal(cluster.status, 0, cluster.stdout + cluster.stderr);
    type Job = { job_name: string; static_configs?: { targets: string[] }[] };
    const scrapes = (f: string) => (parse(readFileSync(f, 'utf8')) as { scrape_configs: Job[] }).scrape_configs;
    const jobs = (f: string) => scrapes(f).map((j) => j.job_name).sort();
    assert.deepEqual(jobs(file), jobs(path.join(PROMETHEUS_DIR, 'prometheus.yml')), 'the two configurations scrape different jobs');
    // each of the cluster's workers on both its ports: the SDK's metrics and its operations endpoint
    const targets = (name: string) => scrapes(file).find((j) => j.job_name === name)!.static_configs!.flatMap((c) => c.targets);
    const ports = clusterPorts(0);
    assert.deepEqual(targets('folio-worker'), ports.workerMetrics.slice(0, 2).map((p) => `127.0.0.1:${p}`));
    assert.deepEqual(targets('folio-worker-ops'), ports.workerOps.slice(0, 2).map((p) => `127.0.0.1:${p}`));
    const all = scrapes(file).flatMap((j) => j.static_configs!.flatMap((c) => c.targets));
    assert.equal(new Set(all).size, all.length, 'two jobs scrape one port');
  });

  it('provision dashboards that are what the generator writes, parse, and query valid PromQL', () => {
    const files = readdirSync(DASHBOARD_DIR).filter((f) => f.endsWith('.json'));
    for (const d of DASHBOARDS) {
      assert.equal(readFileSync(dashboardFile(d), 'utf8'), dashboardText(d), `${path.basename(dashboardFile(d))} differs from scripts/cluster-dashboards.ts: run it with --write`);
    }
    const uids = new Set<string>();
    const exprs: string[] = [];
    for (const f of files) {
      const dash = JSON.parse(readFileSync(path.join(DASHBOARD_DIR, f), 'utf8')) as { uid: string; title: string; panels: { title: string; gridPos: unknown; targets: { expr: string }[] }[] };
      assert.ok(dash.uid && !uids.has(dash.uid), `${f}: missing or repeated uid`);
      uids.add(dash.uid);
      assert.ok(dash.title && dash.panels.length > 0, f);
      for (const p of dash.panels) {
        assert.ok(p.title && p.gridPos && p.targets.length > 0, `${f}: panel without title, position or query`);
        exprs.push(...p.targets.map((t) => t.expr));
      }
    }
    for (const name of ['folio-system', 'folio-calls', 'folio-email', 'folio-cost']) assert.ok(uids.has(name), `no ${name} dashboard`);
    // promtool parses every query as the expression of a recording rule
    const rulesFile = path.join(tmp, 'dashboard-queries.yml');
    writeFileSync(rulesFile, stringify({ groups: [{ name: 'dashboards', rules: exprs.map((expr, i) => ({ record: `dashboard:query_${i}`, expr })) }] }));
    const check = promtool(['check', 'rules', rulesFile], tmp);
    assert.equal(check.status, 0, check.stdout + check.stderr);
  });
});
