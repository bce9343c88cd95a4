// The one keyword ajv does not know and our schemas use: Kubernetes "map" lists, whose items
// must differ in their key fields (two env vars named the same, two ports with the same number
// and protocol). Missing key fields take their defaults, as the API server would apply them.
import type Ajv from 'ajv';
import type { DataValidateFunction, ErrorObject } from 'ajv/dist/types';

export const LIST_MAP_KEYWORD = 'x-kubeguard-list-map-keys';

interface ListMapSchema {
  keys: string[];
  defaults: Record<string, unknown>;
}

export function addKubeguardKeywords(ajv: Ajv): void {
  const validate: DataValidateFunction & { errors?: Partial<ErrorObject>[] } = function (this: unknown, schema: unknown, data: unknown) {
    validate.errors = [];
    if (!Array.isArray(data)) return true;
    const { keys, defaults } = schema as ListMapSchema;
    const seen = new Map<string, number>();
    for (let i = 0; i < data.length; i++) {
      const item = data[i];
      if (!item || typeof item !== 'object' || Array.isArray(item)) continue;
      const values = keys.map((k) => (item as Record<string, unknown>)[k] ?? defaults[k]);
      const id = JSON.stringify(values);
      const first = seen.get(id);
      if (first === undefined) {
        seen.set(id, i);
        continue;
      }
      validate.errors.push({
        keyword: LIST_MAP_KEYWORD,
        message: 'duplicate entry',
        params: { index: i, first, keys, values },
      });
    }
    return validate.errors.length === 0;
  } as never;
  ajv.addKeyword({ keyword: LIST_MAP_KEYWORD, type: 'array', schemaType: 'object', errors: true, validate: validate as never });
}

/** The ajv instance our schemas are written for. */
export function createAjv(AjvClass: typeof Ajv): Ajv {
  const ajv = new AjvClass({
    strict: true,
    // Istio's unions say "exactly one of these fields" with `required` inside `not`/`anyOf`.
    strictRequired: false,
    allowUnionTypes: true,
    allErrors: true,
    verbose: true,
    validateFormats: false,
    // Upstream patterns are RE2; JavaScript's unicode mode reads the ones we keep the same way.
    unicodeRegExp: true,
    // Compiling fast matters more than the last bit of validation speed: a schema is compiled
    // while the user waits, and each object is validated once per change to it.
    code: { optimize: false },
  });
  addKubeguardKeywords(ajv);
  return ajv;
}
