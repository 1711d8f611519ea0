/**
 * The small part of Go's text/template that CoreDNS template RRs use: `{{ .Name }}`, `{{ .Type }}`,
 * `{{ .Class }}`, `{{ .Zone }}`, `{{ .Remote }}`, `{{ index .Match N }}`, `{{ .Group.name }}`,
 * `{{ index .Group "name" }}`. Anything else is an error (CoreDNS would fail to execute the template).
 */

/** The fields a template RR can use. */
export interface TemplateData {
  Name: string;
  Type: string;
  Class: string;
  Zone: string;
  Remote: string;
  Match: string[];
  Group: Record<string, string>;
}

/** The executed text or the execution error. */
export type TemplateResult = { ok: true; text: string } | { ok: false; error: string };

/** Executes `tpl` with `data`. */
export function executeGoTemplate(tpl: string, data: TemplateData): TemplateResult {
  let error: string | undefined;
  const text = tpl.replace(/\{\{-?\s*(.*?)\s*-?\}\}/g, (_, expr: string) => {
    const e = expr.trim();
    let m: RegExpExecArray | null;
    if ((m = /^\.(Name|Type|Class|Zone|Remote)$/.exec(e))) return data[m[1] as 'Name'];
    if ((m = /^index\s+\.Match\s+(\d+)$/.exec(e))) {
      const v = data.Match[Number(m[1])];
      if (v === undefined) { error = `index out of range: ${m[1]}`; return ''; }
      return v;
    }
    if ((m = /^\.Group\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(e))) return data.Group[m[1]!] ?? '<no value>';
    if ((m = /^index\s+\.Group\s+"([^"]*)"$/.exec(e))) return data.Group[m[1]!] ?? '';
    error = `template expression not supported: {{ ${e} }}`;
    return '';
  });
  return error ? { ok: false, error } : { ok: true, text };
}
