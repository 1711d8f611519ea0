/** Reports: build from findings and evidence, render as text, Markdown or JSON. */
export { buildReport, type ReportMeta } from './build-report.js';
export { resolutionPath } from './resolution-path.js';
export { renderText, type TextOptions } from './render-text.js';
export { renderMarkdown } from './render-markdown.js';
export { renderJson, reportJson, type JsonOptions } from './render-json.js';
