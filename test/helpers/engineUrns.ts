// The URNs the Pulumi engine gives a plan's resources, and the former URNs their aliases let them
// take over. Pulumi's mock monitor names a resource after its parent's type only
// (`<parent type>$<type>`); the engine qualifies the type with the whole chain of ancestor types,
// leaving out the root stack (`urn:pulumi:<stack>::<project>::<A>$<B>$<type>::<name>`), so these
// are computed from the recorded parent chain instead.
//
// Aliases ("Resource option: aliases", Pulumi docs: changing "the name, type, or parent path of a
// resource" keeps the deployed resource when the old one is listed as an alias): each alias
// names the former name, type or parent, the current one filling what it leaves out; a child
// of a resource with aliases also answers to its URN under each of the parent's former URNs
// (the engine derives those children's aliases itself), so moving a component moves its whole
// subtree with one alias.
import type { PlannedResource } from "../../plan/runProgram";

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

export interface UrnIndex {
  /** The engine's URN of each resource, by the mock URN the plan recorded. */
  engineUrn: Map<string, string>;
  /** Every URN a resource answers to: its own and those its (inherited) aliases allow. */
  knownAs: Map<string, Set<string>>;
}

/** `<parent's qualified type>$<type>`, or `<type>` at the root. */
function qualified(parentUrn: string | undefined, type: string): string {
  if (parentUrn === undefined) return type;
  const parentType = parentUrn.split("::")[2];
  return parentType === ROOT_STACK_TYPE ? type : `${parentType}$${type}`;
}

function urnOf(prefix: string, parentUrn: string | undefined, type: string, name: string): string {
  return `${prefix}::${qualified(parentUrn, type)}::${name}`;
}

export function engineUrns(resources: PlannedResource[]): UrnIndex {
  const byMockUrn = new Map(resources.map((r) => [r.urn, r]));
  const engineUrn = new Map<string, string>();
  const knownAs = new Map<string, Set<string>>();
  const prefixOf = (r: PlannedResource) => r.urn.split("::").slice(0, 2).join("::");

  const urnFor = (r: PlannedResource): string => {
    const done = engineUrn.get(r.urn);
    if (done) return done;
    const parent = r.parent ? byMockUrn.get(r.parent) : undefined;
    if (r.parent && !parent) throw new Error(`${r.urn}: parent ${r.parent} was not recorded`);
    const urn = urnOf(prefixOf(r), parent ? urnFor(parent) : undefined, r.type, r.name);
    engineUrn.set(r.urn, urn);
    return urn;
  };

  const namesFor = (r: PlannedResource): Set<string> => {
    const done = knownAs.get(r.urn);
    if (done) return done;
    const names = new Set([urnFor(r)]);
    const parent = r.parent ? byMockUrn.get(r.parent) : undefined;
    // Under each former URN of the current parent.
    const parentNames = parent ? [...namesFor(parent)] : [undefined];
    for (const p of parentNames) names.add(urnOf(prefixOf(r), p, r.type, r.name));
    for (const alias of r.aliases) {
      if (alias.urn) {
        names.add(alias.urn);
        continue;
      }
      const type = alias.type ?? r.type;
      const name = alias.name ?? r.name;
      let formerParents: (string | undefined)[];
      if (alias.noParent) formerParents = [undefined];
      else if (alias.parentUrn !== undefined) {
        const former = byMockUrn.get(alias.parentUrn);
        if (!former) throw new Error(`${r.urn}: alias parent ${alias.parentUrn} was not recorded`);
        formerParents = [...namesFor(former)];
      } else formerParents = parentNames;
      for (const p of formerParents) names.add(urnOf(prefixOf(r), p, type, name));
    }
    knownAs.set(r.urn, names);
    return names;
  };

  for (const r of resources) namesFor(r);
  return { engineUrn, knownAs };
}
