/**
 * Links are links: a check's documentation is a path in the repository (checks stay free of
 * configuration); renderers turn it into a URL under the documentation base URL, which defaults to
 * the project's repository and can point at a fork, a mirror or an internal copy.
 */

/** Where the repository's files are browsed when nothing else is configured. */
export const defaultDocsBaseUrl = 'https://github.com/dnswhy/dnswhy/blob/main/';

/** True for an absolute http(s) URL. */
export function isUrl(s: string): boolean {
  return /^https?:\/\/[^\s<>|]+$/.test(s);
}

/**
 * The URL of a documentation path: absolute URLs are kept, repository paths are joined to the base.
 * @param base - the documentation base URL (a trailing slash is added when missing)
 */
export function docsUrl(pathOrUrl: string, base: string = defaultDocsBaseUrl): string {
  if (isUrl(pathOrUrl)) return pathOrUrl;
  const b = base.endsWith('/') ? base : `${base}/`;
  return b + pathOrUrl.replace(/^\.?\//, '');
}
