// Entry point of `pulumi preview --policy-pack policies`: starts the policy server. Nothing else
// belongs here; the rules live in ./rules and are collected by ./all.
import { PolicyPack } from "@pulumi/policy";
import { allPolicies, POLICY_PACK_NAME } from "./all";

new PolicyPack(POLICY_PACK_NAME, { policies: allPolicies });
