// The Grafana dashboards an operator runs the system from — system, calls, email, cost per folio — written
// compactly here and generated into deploy/grafana/dashboards/ (provisioned by docker-compose's Grafana).
// `npx tsx scripts/cluster-dashboards.ts --write` regenerates them; test/unit/alert-rules.test.ts checks the
// committed files equal this output and that every query is valid PromQL over metrics that exist.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

type PanelType = 'timeseries' | 'stat' | 'bargauge';
interface Query {
  expr: string;
  legend?: string;
}
interface PanelSpec {
  title: string;
  type?: PanelType;
  queries: Query[];
  unit?: string;
  description?: string;
  /** Width in grid columns (24 a row); default 12. */
  w?: number;
}
interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  panels: PanelSpec[];
}

const q = (expr: string, legend?: string): Query => ({ expr, legend });
const RATE = '5m';

export const DASHBOARDS: DashboardSpec[] = [
  {
    uid: 'folio-system',
    title: 'Folio system',
    description: 'Temporal services, workers and the API: is the machinery healthy and keeping up?',
    panels: [
      { title: 'Processes up', type: 'stat', w: 24, queries: [q('sum by (job) (up)', '{{job}}')], description: 'Scrape targets answering, by job (4 Temporal services, the workers, the APIs).' },
      { title: 'Temporal requests by service', queries: [q(`sum by (service_name) (rate(service_requests[${RATE}]))`, '{{service_name}}')], unit: 'reqps' },
      { title: 'Temporal request latency p95', queries: [q(`histogram_quantile(0.95, sum by (le, service_name) (rate(service_latency_bucket[${RATE}])))`, '{{service_name}}')], unit: 's' },
      { title: 'Persistence latency p95 (PostgreSQL)', queries: [q(`histogram_quantile(0.95, sum by (le, operation) (rate(persistence_latency_bucket[${RATE}])))`, '{{operation}}')], unit: 's' },
      { title: 'Persistence errors', queries: [q(`sum by (service_name, error_type) (rate(persistence_error_with_type[${RATE}]))`, '{{service_name}} {{error_type}}')], unit: 'ops' },
      { title: 'Workflow task schedule-to-start p95', queries: [q(`histogram_quantile(0.95, sum by (le, task_queue) (rate(temporal_workflow_task_schedule_to_start_latency_bucket[${RATE}])))`, '{{task_queue}}')], unit: 'ms' },
      { title: 'Activity schedule-to-start p95', queries: [q(`histogram_quantile(0.95, sum by (le, task_queue) (rate(temporal_activity_schedule_to_start_latency_bucket[${RATE}])))`, '{{task_queue}}')], unit: 'ms' },
      { title: 'Worker task slots available', queries: [q('sum by (instance, worker_type) (temporal_worker_task_slots_available)', '{{instance}} {{worker_type}}')] },
      { title: 'Workflow task failures', queries: [q(`sum by (workflow_type) (rate(temporal_workflow_task_execution_failed[${RATE}]))`, '{{workflow_type}}')], unit: 'ops', description: 'Any is a bug or a non-determinism: see the runbook.' },
      { title: 'Workflows completed', queries: [q(`sum by (workflow_type) (rate(temporal_workflow_completed[${RATE}]))`, '{{workflow_type}}')], unit: 'ops' },
      { title: 'API requests by status', queries: [q(`sum by (status) (rate(folio_api_requests_total[${RATE}]))`, '{{status}}')], unit: 'reqps' },
      { title: 'API latency p95 by route', queries: [q(`histogram_quantile(0.95, sum by (le, route) (rate(folio_api_request_duration_seconds_bucket[${RATE}])))`, '{{route}}')], unit: 's' },
      { title: 'API memory', queries: [q('folio_api_process_resident_memory_bytes', '{{instance}}')], unit: 'bytes' },
      { title: 'Projection lag p99', queries: [q(`histogram_quantile(0.99, sum by (le) (rate(folio_projection_lag_seconds_bucket[${RATE}])))`, 'p99')], unit: 's' },
      { title: 'Projection writes by worker', queries: [q(`sum by (instance) (rate(folio_projection_writes_total[${RATE}]))`, '{{instance}} written'), q(`sum by (instance) (rate(folio_projection_batch_failures_total[${RATE}]))`, '{{instance}} batches refused')], unit: 'ops', description: 'Folio states each worker wrote to the store, and its batches the store refused (tried again).' },
      { title: 'Worker memory', queries: [q('folio_worker_process_resident_memory_bytes', '{{instance}}')], unit: 'bytes' },
    ],
  },
  {
    uid: 'folio-calls',
    title: 'Folio calls',
    description: 'The phone side: how calls end, how many connect, how long they take, and the webhooks that report them.',
    panels: [
      { title: 'Calls by disposition (all time)', type: 'bargauge', queries: [q('folio:calls_by_disposition', '{{disposition}}')] },
      { title: 'Answered by a person', type: 'stat', queries: [q('max(folio_call_answer_ratio)', 'answer ratio')], unit: 'percentunit' },
      { title: 'Calls finished per hour, by disposition', queries: [q('delta(folio:calls_by_disposition[1h])', '{{disposition}}')] },
      { title: 'Share of calls that failed to connect (1 h)', queries: [q('sum(delta(folio:calls_by_disposition{disposition="failed"}[1h])) / sum(delta(folio:calls_by_disposition[1h]))', 'failed')], unit: 'percentunit', description: 'The CallFailureRateHigh alert fires above 20 %.' },
      { title: 'Minutes on the phone, by disposition', queries: [q('folio:call_seconds_by_disposition / 60', '{{disposition}}')], unit: 'm' },
      { title: 'Average call length', queries: [q('sum(folio:call_seconds_by_disposition) / clamp_min(sum(folio:calls_by_disposition), 1)', 'seconds')], unit: 's' },
      { title: 'Vendor webhooks by route and status', queries: [q(`sum by (route, status) (rate(folio_api_requests_total{route=~"/v1/webhooks/.+"}[${RATE}]))`, '{{route}} {{status}}')], unit: 'reqps' },
      { title: 'Webhook signature refusals (10 min)', queries: [q('sum(increase(folio_api_requests_total{route=~"/v1/webhooks/.+", status=~"401|403"}[10m]))', 'refused')], description: 'The WebhookSignatureFailures alert fires above 5.' },
      { title: 'Calls per completed folio', type: 'stat', queries: [q('sum(folio:calls_by_disposition) / clamp_min(folio:folios_completed, 1)', 'calls per folio')] },
      { title: 'Dead letters', queries: [q('max by (kind) (folio_dead_letters)', '{{kind}}')] },
    ],
  },
  {
    uid: 'folio-email',
    title: 'Folio email',
    description: 'The mail side: written requests waiting, what comes back, what could not be matched.',
    panels: [
      { title: 'Folios waiting on email', queries: [q('max by (status) (folio_folios{status=~"EmailRequested|AwaitingEmail"})', '{{status}}')] },
      { title: 'Inbound messages by outcome', type: 'bargauge', queries: [q('max by (outcome) (folio_inbox_messages)', '{{outcome}}')], description: 'signalled = matched to a folio.' },
      { title: 'Inbound messages per hour, by outcome', queries: [q('max by (outcome) (delta(folio_inbox_messages[1h]))', '{{outcome}}')] },
      { title: 'Unmatched messages waiting for an operator', queries: [q('max(folio_inbox_unmatched_waiting)', 'waiting')] },
      { title: 'Inbox lag', queries: [q('max(folio_inbox_lag_seconds)', 'oldest unhandled message')], unit: 's', description: 'The InboxLagging alert fires above 30 minutes.' },
      { title: 'Extraction confidence (lowest field, p10 and p50)', queries: [q('histogram_quantile(0.1, max by (le) (folio_extraction_confidence_bucket))', 'p10'), q('histogram_quantile(0.5, max by (le) (folio_extraction_confidence_bucket))', 'p50')], unit: 'percentunit' },
      { title: 'Folios in review', queries: [q('max(folio_folios{status="NeedsReview"})', 'NeedsReview')] },
      { title: 'Mail dead letters', queries: [q('max(folio_dead_letters{kind=~"mail.*"})', 'mail')] },
    ],
  },
  {
    uid: 'folio-cost',
    title: 'Folio cost',
    description: 'What a folio costs at list prices (deploy/prometheus/costs.yml): phone minutes, answering-machine detection, voice-agent minutes, Temporal actions.',
    panels: [
      { title: 'Calls cost per completed folio (all time)', type: 'stat', queries: [q('folio:cost_usd_per_completed_folio:calls', 'USD')], unit: 'currencyUSD' },
      { title: 'Temporal actions cost per folio completed today', type: 'stat', queries: [q('folio:cost_usd_per_completed_folio:temporal_24h', 'USD')], unit: 'currencyUSD' },
      { title: 'Calls cost (all time)', queries: [q('folio:cost_usd:calls', 'USD')], unit: 'currencyUSD' },
      { title: 'Temporal actions per hour', queries: [q('folio:temporal_actions:rate1h * 3600', 'actions')] },
      { title: 'Temporal actions by kind', queries: [q(`sum by (action_type) (rate(action[${RATE}]))`, '{{action_type}}')], unit: 'ops' },
      { title: 'Folios completed', queries: [q('folio:folios_completed', 'completed')] },
      { title: 'Time to folio p50 / p90 (hours)', queries: [q('histogram_quantile(0.5, max by (le) (folio_time_to_folio_hours_bucket))', 'p50'), q('histogram_quantile(0.9, max by (le) (folio_time_to_folio_hours_bucket))', 'p90')], unit: 'h' },
    ],
  },
];

/** A dashboard as Grafana's JSON model (schema 39, Prometheus datasource uid `prometheus` as provisioned). */
export function dashboardJson(d: DashboardSpec): Record<string, unknown> {
  let x = 0;
  let y = 0;
  const panels = d.panels.map((p, i) => {
    const w = p.w ?? 12;
    if (x + w > 24) {
      x = 0;
      y += 8;
    }
    const gridPos = { x, y, w, h: 8 };
    x += w;
    return {
      id: i + 1,
      type: p.type ?? 'timeseries',
      title: p.title,
      ...(p.description ? { description: p.description } : {}),
      datasource: { type: 'prometheus', uid: 'prometheus' },
      gridPos,
      targets: p.queries.map((t, j) => ({ refId: String.fromCharCode(65 + j), expr: t.expr, ...(t.legend ? { legendFormat: t.legend } : {}) })),
      fieldConfig: { defaults: p.unit ? { unit: p.unit } : {}, overrides: [] },
      options: {},
    };
  });
  return { uid: d.uid, title: d.title, description: d.description, tags: ['folio'], timezone: 'utc', schemaVersion: 39, version: 1, refresh: '30s', time: { from: 'now-6h', to: 'now' }, templating: { list: [] }, annotations: { list: [] }, panels };
}

export const DASHBOARD_DIR = path.resolve(__dirname, '..', 'deploy', 'grafana', 'dashboards');
export const dashboardFile = (d: DashboardSpec) => path.join(DASHBOARD_DIR, `${d.uid}.json`);
export const dashboardText = (d: DashboardSpec) => `${JSON.stringify(dashboardJson(d), null, 2)}\n`;

if (require.main === module && process.argv.includes('--write')) {
  for (const d of DASHBOARDS) writeFileSync(dashboardFile(d), dashboardText(d));
  console.log(`wrote ${DASHBOARDS.map((d) => path.relative(process.cwd(), dashboardFile(d))).join(', ')}`);
}
