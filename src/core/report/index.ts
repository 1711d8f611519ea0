/** Reports: build from findings and evidence, brief them, render as text, Markdown or JSON. */
export { buildReport, type ReportMeta } from './build-report.js';
export { resolutionPath } from './resolution-path.js';
export { briefOf, causeText, alsoNoticedLine, type ReportBrief, type CauseBrief } from './brief.js';
export { chooseFix, compareFixes, recommendationRule, type FixChoice } from './fix-choice.js';
export { changeHash, changeView, changeText, isApplicable, type ChangeView } from './change-view.js';
export { docsUrl, defaultDocsBaseUrl } from './docs-links.js';
export { renderText, type TextOptions } from './render-text.js';
export { renderMarkdown } from './render-markdown.js';
export { renderJson, reportJson, type JsonOptions } from './render-json.js';
