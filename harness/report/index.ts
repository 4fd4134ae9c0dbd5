export { renderReport, readRun, type RenderedReport } from './run-report.ts';
export { renderComparison, type RenderedComparison } from './comparison.ts';
export {
  addRerunChecks,
  fitPassCurve,
  rerunChecks,
  rerunText,
  RERUN_METHOD,
  type PassCurve,
  type RerunCheck,
} from './rerun.ts';
export {
  renderRunCharts,
  backendColour,
  CHART_WIDTH,
  CHART_HEIGHT,
  type ChartFile,
  type ChartMetric,
} from './charts.ts';
export {
  buildWorkloadReports,
  displayName,
  formatFigure,
  skippedBackends,
  verdictText,
  CONTROL_BACKEND,
  TIE_FRACTION,
  type BackendRow,
  type Recommendation,
  type ReportRun,
  type SkippedBackend,
  type WorkloadReport,
} from './model.ts';
