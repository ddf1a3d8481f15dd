// The analyzer's plan: schema, parsing from model text, and validation (2–5 subissues, known dependencies, no
// cycles). Pure: used by activities before anything is created on GitHub.
import { z } from 'zod';
import { PRIORITIES, type Plan } from '../shared/types.js';

export const MIN_SUBISSUES = 2;
export const MAX_SUBISSUES = 5;

const plannedSubissueSchema = z.object({
  key: z.string().trim().min(1).max(40).regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
  title: z.string().trim().min(3).max(200),
  estimatedHours: z.number().positive().max(40),
  priority: z.enum(PRIORITIES),
  description: z.string().trim().min(1),
  acceptanceCriteria: z.array(z.string().trim().min(1)).min(1),
  technicalContext: z.string().trim().default(''),
  dependsOn: z.array(z.string()).default([]),
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

/** Validates shape and graph; returns the plan with defaults filled in. Throws PlanError saying what is wrong. */
export function validatePlan(input: unknown): Plan {
  const parsed = planSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'plan'}: ${i.message}`);
    throw new PlanError(`invalid plan: ${problems.join('; ')}`);
  }
  const plan: Plan = parsed.data;
  const keys = new Set<string>();
  for (const sub of plan.subissues) {
    if (keys.has(sub.key)) throw new PlanError(`invalid plan: duplicate key "${sub.key}"`);
    keys.add(sub.key);
  }
  for (const sub of plan.subissues) {
    for (const dep of sub.dependsOn) {
      if (!keys.has(dep)) throw new PlanError(`invalid plan: "${sub.key}" depends on unknown key "${dep}"`);
      if (dep === sub.key) throw new PlanError(`invalid plan: "${sub.key}" depends on itself`);
    }
  }
  const cycle = findCycle(plan);
  if (cycle) throw new PlanError(`invalid plan: dependency cycle ${cycle.join(' -> ')}`);
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
