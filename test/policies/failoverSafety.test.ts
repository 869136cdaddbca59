import {
  drFailoverIgnoreChanges,
  drStatefulResourcesProtected,
} from "../../policies/rules/failoverSafety";
import { homeStack, mutate, standbyStack } from "./fixtures";
import { assertNoViolations, assertViolation, checkStack, urnOf } from "./util";

describe("policies: IaC safety through a failover", () => {
  describe("dr-failover-ignore-changes", () => {
    it("passes both stacks of the fixture", () => {
      assertNoViolations(checkStack(drFailoverIgnoreChanges, homeStack()));
      assertNoViolations(checkStack(drFailoverIgnoreChanges, standbyStack()));
    });

    const cases: [string, string, "home" | "standby", string][] = [
      ["the replica's source", "standby-db", "standby", "replicateSourceDb"],
      ["the member's Global Datastore", "standby-cache", "standby", "globalReplicationGroupId"],
      ["the Global Datastore's primary", "home-global", "home", "primaryReplicationGroupId"],
      ["the EFS replication destination", "home-media-replication", "home", "destination"],
    ];
    for (const [what, name, which, property] of cases) {
      it(`flags ${what} missing from ignoreChanges`, () => {
        const stack = mutate(which === "home" ? homeStack() : standbyStack(), name, (r) => ({
          ...r,
          ignoreChanges: [],
        }));
        const violations = checkStack(drFailoverIgnoreChanges, stack);
        assertViolation(violations, [
          `"${name}" must ignore changes to ${property}`,
          `Add "${property}"`,
        ]);
      });
    }

    it("accepts a parent path or * in ignoreChanges", () => {
      for (const ignoreChanges of [["*"], ["destination"]]) {
        const stack = mutate(homeStack(), "home-media-replication", (r) => ({
          ...r,
          ignoreChanges,
        }));
        assertNoViolations(checkStack(drFailoverIgnoreChanges, stack));
      }
    });

    it("does not accept a child path for the whole property", () => {
      const stack = mutate(homeStack(), "home-media-replication", (r) => ({
        ...r,
        ignoreChanges: ["destination.region"],
      }));
      assertViolation(checkStack(drFailoverIgnoreChanges, stack), [
        "must ignore changes to destination",
      ]);
    });
  });

  describe("dr-stateful-resources-protected", () => {
    it("passes protected stateful resources", () => {
      assertNoViolations(checkStack(drStatefulResourcesProtected, homeStack()));
      assertNoViolations(checkStack(drStatefulResourcesProtected, standbyStack()));
    });

    it("flags an unprotected database", () => {
      const stack = mutate(homeStack(), "home-db", (r) => ({ ...r, protect: false }));
      assertViolation(
        checkStack(drStatefulResourcesProtected, stack),
        ['rds.Instance "home-db" must be protected', "protect is false", "{ protect: true }"],
        urnOf("aws:rds/instance:Instance", "home-db"),
      );
    });

    it("flags an unprotected KMS key", () => {
      const stack = mutate(homeStack(), "home-key", (r) => ({ ...r, protect: false }));
      assertViolation(checkStack(drStatefulResourcesProtected, stack), [
        'kms.Key "home-key" must be protected',
      ]);
    });

    it("can be relaxed for throwaway stacks", () => {
      const stack = homeStack().map((r) => ({ ...r, protect: false }));
      assertNoViolations(
        checkStack(drStatefulResourcesProtected, stack, { requireProtect: false }),
      );
    });
  });
});
