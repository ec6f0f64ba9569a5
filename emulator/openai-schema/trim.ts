// Cuts OpenAI's OpenAPI document down to what the emulator is checked against (README.md beside this file):
// the Response object and the Responses streaming events, with every schema they reach, so each `$ref` kept
// resolves inside the cut, as a plain JSON Schema (2020-12) document whose `$defs` are OpenAPI's
// `components.schemas`. Only prose and vendor extensions are dropped; every keyword that validates stays.
//
//   npx tsx emulator/openai-schema/trim.ts <openapi.json> <commit> > emulator/openai-schema/responses.json
//   npx biome format --write emulator/openai-schema/responses.json

import { readFileSync } from "node:fs";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schemas = Record<string, Json>;

const ROOTS = ["Response", "ResponseStreamEvent"];
const SOURCE = "github.com/openai/openai-openapi, openapi.json";
const REF_PREFIX = "#/components/schemas/";
const DEF_PREFIX = "#/$defs/";
/** Keywords that only document: a validator ignores them, and they make up half of the document. */
const PROSE = new Set(["description", "title", "example", "examples"]);
/** OpenAPI's hint to code generators: JSON Schema gives it no meaning, and Ajv would take it for its own. */
const OPENAPI_ONLY = new Set(["discriminator"]);
/** Keywords whose value is data, not a schema: copied as they are. */
const DATA = new Set(["enum", "const", "default", "required"]);

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * `schema` without prose, its references pointing into `$defs`, and the draft 2019-09 recursion of
 * CompoundFilter (which draft 2020-12 no longer has) as a plain `$ref` to itself.
 */
function slim(schema: Json, self: string): Json {
  if (Array.isArray(schema)) return schema.map((entry) => slim(entry, self));
  if (!isObject(schema)) return schema;
  const kept: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(schema)) {
    if (PROSE.has(key) || OPENAPI_ONLY.has(key) || key.startsWith("x-") || key === "$recursiveAnchor")
      continue;
    if (key === "$recursiveRef") kept.$ref = `${DEF_PREFIX}${self}`;
    else if (key === "$ref" && typeof value === "string") kept.$ref = value.replace(REF_PREFIX, DEF_PREFIX);
    else if (DATA.has(key)) kept[key] = value;
    else if (key === "properties" && isObject(value))
      kept[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, slim(sub, self)]));
    else kept[key] = slim(value, self);
  }
  return kept;
}

function refsIn(schema: Json, found: Set<string>): void {
  if (Array.isArray(schema)) for (const entry of schema) refsIn(entry, found);
  else if (isObject(schema))
    for (const [key, value] of Object.entries(schema)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith(DEF_PREFIX))
        found.add(value.slice(DEF_PREFIX.length));
      else refsIn(value, found);
    }
}

/** The roots and every schema they reach, slimmed, in name order. */
function trimSchemas(all: Schemas): Schemas {
  const kept: Schemas = {};
  const pending = [...ROOTS];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (name in kept) continue;
    const schema = all[name];
    if (schema === undefined) throw new Error(`The document has no schema '${name}'.`);
    const slimmed = slim(schema, name);
    kept[name] = slimmed;
    const refs = new Set<string>();
    refsIn(slimmed, refs);
    pending.push(...refs);
  }
  return Object.fromEntries(
    Object.keys(kept)
      .sort()
      .map((name) => [name, kept[name] as Json]),
  );
}

function main([file, commit]: string[]): void {
  if (!file || !commit || !/^[0-9a-f]{40}$/.test(commit))
    throw new Error("usage: trim.ts <openapi.json> <40-hex commit it was read at>");
  const document = JSON.parse(readFileSync(file, "utf8")) as { components: { schemas: Schemas } };
  const cut = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $comment: `Cut from ${SOURCE} at commit ${commit}: ${ROOTS.join(" and ")} and the schemas they reach.`,
    $defs: trimSchemas(document.components.schemas),
  };
  process.stdout.write(`${JSON.stringify(cut, null, 2)}\n`);
}

main(process.argv.slice(2));
