// One resource under judgement, and the two ways a requirement can fail: the value is wrong, or it
// cannot be known yet. Every message has the same three parts: the resource, the requirement with
// what was found, and the fix.
import { ReportViolation } from "@pulumi/policy";
import { isSet, known, show, Unknown, UNKNOWN } from "./values";

/** `aws:rds/instance:Instance` reads as `rds.Instance`, the way the SDK spells it. */
export function kindOf(type: string): string {
  const [pkg, module = "", member = type] = type.split(":");
  const folder = module.split("/")[0];
  return pkg === "aws" && folder && folder !== "index" ? `${folder}.${member}` : member;
}

export interface Identified {
  type: string;
  name: string;
  urn: string;
}

export interface Requirement<T> {
  /** The property path as the program spells it, e.g. `clusterConfig.instanceCount`. */
  property: string;
  read: () => T;
  /** Whether a known value is compliant. */
  ok: (value: Exclude<T, Unknown>) => boolean;
  /** Completes "<resource> ...", e.g. "must run Multi-AZ". */
  must: string;
  fix: string;
}

export class Subject {
  readonly label: string;

  constructor(
    readonly resource: Identified,
    private readonly report: ReportViolation,
  ) {
    this.label = `${kindOf(resource.type)} "${resource.name}"`;
  }

  fail(must: string, found: string, fix: string): void {
    this.report(`${this.label} ${must}, but ${found}. ${fix}`, this.resource.urn);
  }

  /**
   * A value check. An unknown value is a violation of its own: the rule cannot vouch for a value it
   * has not seen, and the preview must not look clean when the update might not be.
   */
  expect<T>(req: Requirement<T>): boolean {
    const value = known(req.read);
    if (value === UNKNOWN) {
      this.cannotVerify(req.must, req.property);
      return false;
    }
    if (req.ok(value as Exclude<T, Unknown>)) return true;
    this.fail(req.must, `${req.property} is ${show(value)}`, req.fix);
    return false;
  }

  /** A presence check; an unknown value counts as present (see `isSet`). */
  expectSet(property: string, read: () => unknown, must: string, fix: string): boolean {
    const value = known(read);
    if (isSet(value)) return true;
    this.fail(must, `${property} is ${show(value)}`, fix);
    return false;
  }

  cannotVerify(must: string, property: string): void {
    this.report(
      `${this.label} ${must}, which cannot be verified: ${property} is unknown during preview. ` +
        `Derive ${property} from config or a literal so it is known before the update, ` +
        "or make the requirement hold whatever value it resolves to.",
      this.resource.urn,
    );
  }
}
