// The analyzer's plan: schema, parsing from model text, and validation (2–5 subissues, known dependencies, no
// cycles). Pure: used by activities before anything is created on GitHub.
import { z } from 'zod';
import { MAX_SUBISSUES, MIN_SUBISSUES, PRIORITIES, type Plan } from '../shared/types.js';

export { MAX_SUBISSUES, MIN_SUBISSUES };

const plannedSubissueSchema = z.object({
  key: z.string().trim().min(1).max(40).regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
  title: z.string().trim().min(3).max(200),
  estimatedHours: z.number().positive().max(40),
  priority: z.enum(PRIORITIES),
  description: z.string().trim().min(1),
  acceptanceCriteria: z.array(z.string().trim().min(1)).min(1),
  technicalContext: z.string().trim().default(''),
  dependsOn: z.array(z.string()).default([]),
  group: z.string().trim().min(1).max(60).optional(),
  /** Its agent starts then at the earliest. */
  notBefore: z.string().refine((t) => !Number.isNaN(Date.parse(t)), 'an ISO time like 2026-12-03T09:00:00Z').optional(),
});

export const planSchema = z.object({
  subissues: z.array(plannedSubissueSchema).min(MIN_SUBISSUES).max(MAX_SUBISSUES),
});

export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

/** Pulls the first JSON object out of model text (bare, or inside a ``` fence). */
export function extractJsonObject(text: string): unknown {
  const fenced = /```(?:json)?\s*\n([\s\S]*?)\n```/.exec(text);
  const candidate = fenced ? fenced[1] : text;
  const start = candidate.indexOf('{');
  const end = candidate.lastIndexOf('}');
  if (start < 0 || end <= start) throw new PlanError('the agent answered without a JSON object');
  try {
    return JSON.parse(candidate.slice(start, end + 1));
  } catch (err) {
    throw new PlanError(`the agent's JSON does not parse: ${(err as Error).message}`);
  }
}

/** One thing wrong with a plan: where (a path into the plan object) and what, said in full. */
export interface PlanProblem {
  path: Array<string | number>;
  message: string;
}

/** The fields a plan may have, top level and per subissue (a plan file's typo like "dependson" is named). */
export const PLAN_FIELDS = Object.keys(planSchema.shape);
export const SUBISSUE_FIELDS = Object.keys(plannedSubissueSchema.shape);

/**
 * Everything wrong with a plan (shape, then graph), or the plan with defaults filled in. `strict` also names fields
 * the schema does not know: a person's plan file, where a misspelt field would silently be dropped.
 */
export function planProblems(input: unknown, options: { strict?: boolean } = {}): { plan?: Plan; problems: PlanProblem[] } {
  const problems: PlanProblem[] = options.strict ? unknownFields(input) : [];
  const parsed = planSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      problems.push({ path, message: `${path.join('.') || 'plan'}: ${issue.message}` });
    }
    return { problems };
  }
  const plan: Plan = parsed.data;
  const at = new Map<string, number>();
  plan.subissues.forEach((sub, i) => {
    if (at.has(sub.key)) problems.push({ path: ['subissues', i, 'key'], message: `duplicate key "${sub.key}"` });
    else at.set(sub.key, i);
  });
  plan.subissues.forEach((sub, i) => sub.dependsOn.forEach((dep, j) => {
    const path = ['subissues', i, 'dependsOn', j];
    if (dep === sub.key) problems.push({ path, message: `"${sub.key}" depends on itself` });
    else if (!at.has(dep)) problems.push({ path, message: `"${sub.key}" depends on unknown key "${dep}"` });
  }));
  if (problems.length > 0) return { problems };
  const cycle = findCycle(plan);
  if (cycle) problems.push({ path: ['subissues', at.get(cycle[0]) ?? 0, 'dependsOn'], message: `dependency cycle ${cycle.join(' -> ')}` });
  return problems.length > 0 ? { problems } : { plan, problems };
}

function unknownFields(input: unknown): PlanProblem[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(input)) return [];
  const unknown = (object: Record<string, unknown>, known: string[], path: Array<string | number>) =>
    Object.keys(object).filter((k) => !known.includes(k)).map((k) => ({
      path: [...path, k], message: `${[...path, k].join('.')}: unknown field (known: ${known.join(', ')})` }));
  const subs = Array.isArray(input.subissues) ? input.subissues : [];
  return [
    ...unknown(input, PLAN_FIELDS, []),
    ...subs.flatMap((sub, i) => (isObject(sub) ? unknown(sub, SUBISSUE_FIELDS, ['subissues', i]) : [])),
  ];
}

/** Validates shape and graph; returns the plan with defaults filled in. Throws PlanError saying what is wrong. */
export function validatePlan(input: unknown): Plan {
  const { plan, problems } = planProblems(input);
  if (!plan) throw new PlanError(`invalid plan: ${problems.map((p) => p.message).join('; ')}`);
  return plan;
}

export function parsePlan(modelText: string): Plan {
  return validatePlan(extractJsonObject(modelText));
}

/** A dependency cycle as a key path (first key repeated at the end), or undefined. */
export function findCycle(plan: Plan): string[] | undefined {
  const deps = new Map(plan.subissues.map((s) => [s.key, s.dependsOn]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (key: string): string[] | undefined => {
    if (state.get(key) === 'done') return undefined;
    if (state.get(key) === 'visiting') return [...stack.slice(stack.indexOf(key)), key];
    state.set(key, 'visiting');
    stack.push(key);
    for (const dep of deps.get(key) ?? []) {
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(key, 'done');
    return undefined;
  };
  for (const key of deps.keys()) {
    const found = visit(key);
    if (found) return found;
  }
  return undefined;
}

/** Subissues with every dependency before its dependents (plan order kept otherwise); the plan is validated. */
export function dependencyOrder(plan: Plan): Plan['subissues'] {
  const byKey = new Map(plan.subissues.map((s) => [s.key, s]));
  const ordered: Plan['subissues'] = [];
  const placed = new Set<string>();
  const place = (key: string): void => {
    if (placed.has(key)) return;
    placed.add(key);
    const sub = byKey.get(key);
    if (!sub) return;
    for (const dep of sub.dependsOn) place(dep);
    ordered.push(sub);
  };
  for (const sub of plan.subissues) place(sub.key);
  return ordered;
}
