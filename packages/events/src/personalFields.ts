import { z } from 'zod';
import { findDefinition } from './catalogue.ts';
import { WITHHELD_VALUE } from './primitives.ts';

/**
 * Where an event type's personal data is: the fields its schema marks with `personal()`,
 * compiled from the schema's JSON Schema into a tree that visits only the branches holding one.
 */
type Plan =
  | { readonly kind: 'leaf' }
  | { readonly kind: 'object'; readonly fields: readonly (readonly [key: string, plan: Plan])[] }
  | { readonly kind: 'array'; readonly items: Plan }
  | { readonly kind: 'oneOf'; readonly options: readonly OneOfOption[] };

/** An option of a oneOf, told apart by its constant fields (a discriminator such as `kind`). */
interface OneOfOption {
  readonly when: readonly (readonly [key: string, allowed: readonly unknown[]])[];
  readonly plan: Plan | undefined;
}

interface JsonSchemaNode {
  personalData?: boolean;
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  oneOf?: JsonSchemaNode[];
  anyOf?: JsonSchemaNode[];
  const?: unknown;
  enum?: unknown[];
}

const compile = (node: JsonSchemaNode): Plan | undefined => {
  if (node.personalData) return { kind: 'leaf' };
  const alternatives = node.oneOf ?? node.anyOf;
  if (alternatives) {
    const options = alternatives.map((option) => {
      // An option is told apart by its constant fields (a discriminator such as `kind`).
      const when: [string, readonly unknown[]][] = [];
      for (const [key, field] of Object.entries(option.properties ?? {})) {
        if (field.const !== undefined) when.push([key, [field.const]]);
        else if (field.enum) when.push([key, field.enum]);
      }
      return { when, plan: compile(option) };
    });
    return options.some((o) => o.plan) ? { kind: 'oneOf', options } : undefined;
  }
  if (node.properties) {
    const fields: [string, Plan][] = [];
    for (const [key, field] of Object.entries(node.properties)) {
      const plan = compile(field);
      if (plan) fields.push([key, plan]);
    }
    return fields.length > 0 ? { kind: 'object', fields } : undefined;
  }
  if (node.items) {
    const items = compile(node.items);
    return items && { kind: 'array', items };
  }
  return undefined;
};

/** Per type, per schema version: looked up for every event read, so no key is built for it. */
const plans = new Map<string, Map<number, Plan | undefined>>();

const planFor = (type: string, schemaVersion: number): Plan | undefined => {
  let byVersion = plans.get(type);
  if (!byVersion) plans.set(type, (byVersion = new Map()));
  if (!byVersion.has(schemaVersion)) {
    const definition = findDefinition(type, schemaVersion);
    const schema = definition && (z.toJSONSchema(definition.schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as JsonSchemaNode);
    byVersion.set(schemaVersion, schema && compile(schema));
  }
  return byVersion.get(schemaVersion);
};

/**
 * Called with each personal value and its dotted path; returns the value to put in its place. A
 * mapper declared without the path parameter is given '' (paths are only built for those that take one).
 */
export type PersonalValueMapper = (value: unknown, path: string) => unknown;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether a value has the constant fields that tell a oneOf option apart (no allocation: every event read comes here). */
const matches = (when: OneOfOption['when'], value: Record<string, unknown>): boolean => {
  for (let i = 0; i < when.length; i++) if (!when[i]![1].includes(value[when[i]![0]])) return false;
  return true;
};

const optionFor = (options: readonly OneOfOption[], value: Record<string, unknown>): OneOfOption | undefined => {
  for (let i = 0; i < options.length; i++) if (matches(options[i]!.when, value)) return options[i];
  return undefined;
};

/** A path one step further down; null while no path is wanted (building every path costs a string per step). */
const child = (path: string | null, key: string): string | null => (path === null ? null : path ? `${path}.${key}` : key);

/** Copies only what changes: the result shares every untouched branch with the input. */
const mapValue = (value: unknown, plan: Plan, path: string | null, fn: PersonalValueMapper): unknown => {
  if (value === undefined) return value;
  switch (plan.kind) {
    case 'leaf':
      return fn(value, path ?? '');
    case 'object': {
      if (!isRecord(value)) return value;
      let copy: Record<string, unknown> | undefined;
      for (let i = 0; i < plan.fields.length; i++) {
        const [key, inner] = plan.fields[i]!;
        const field = value[key];
        if (field === undefined) continue;
        const mapped = mapValue(field, inner, child(path, key), fn);
        if (mapped !== field) (copy ??= { ...value })[key] = mapped;
      }
      return copy ?? value;
    }
    case 'array': {
      if (!Array.isArray(value)) return value;
      const mapped = value.map((item, i) => mapValue(item, plan.items, path === null ? null : `${path}[${i}]`, fn));
      return mapped.some((m, i) => m !== value[i]) ? mapped : value;
    }
    case 'oneOf': {
      if (!isRecord(value)) return value;
      const option = optionFor(plan.options, value);
      return option?.plan ? mapValue(value, option.plan, path, fn) : value;
    }
  }
};

/**
 * The event with each personal value replaced by what `fn` returns (paths such as
 * `customer.value`, `data.address.city`). Returns the same object when nothing changes.
 */
export const mapPersonalFields = <E extends { type: string; schemaVersion: number }>(event: E, fn: PersonalValueMapper): E => {
  const plan = planFor(event.type, event.schemaVersion);
  return plan ? (mapValue(event, plan, fn.length >= 2 ? '' : null, fn) as E) : event;
};

/** The event with every personal value replaced by WITHHELD_VALUE (the same object when it has none). */
export const withholdPersonalFields = <E extends { type: string; schemaVersion: number }>(event: E): E => mapPersonalFields(event, withhold);

const withhold = (): unknown => WITHHELD_VALUE;
