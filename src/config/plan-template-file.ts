// The planning prompt's template, loaded the same way by the worker (each planning step), `ccp plan` and the checks
// of `ccp start`: the user's file, checked, or ccp's own.
import { readFileSync } from 'node:fs';
import { checkPlanTemplate, DEFAULT_PLAN_TEMPLATE, PlanTemplateError } from '../core/plan-template.js';

/** The template in `file` (ccp's default without one); any problem is a PlanTemplateError naming the file. */
export function loadPlanTemplate(file: string | undefined): string {
  if (!file) return DEFAULT_PLAN_TEMPLATE;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new PlanTemplateError(`plan template ${file} cannot be read (${(err as Error).message}): create it or fix CCP_PLAN_TEMPLATE`);
  }
  checkPlanTemplate(text, file);
  return text;
}
